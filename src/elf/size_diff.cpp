// Size diff of two binaries by section and by symbol (bloaty's `new -- old`). Pure.
#include "perfprobe/elf/size_diff.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace perfprobe::elf {

namespace {

std::uint64_t magnitude(std::int64_t v) { return static_cast<std::uint64_t>(v < 0 ? -v : v); }

void sort_by_change(std::vector<DiffRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const DiffRow& a, const DiffRow& b) {
    if (magnitude(a.file_delta()) != magnitude(b.file_delta()))
      return magnitude(a.file_delta()) > magnitude(b.file_delta());
    return magnitude(a.vm_delta()) > magnitude(b.vm_delta());
  });
}

std::vector<DiffRow> diff_sections(const BinarySize& o, const BinarySize& n) {
  // Sections are keyed by name; two sections of the same name (rare: groups in objects) add up.
  std::map<std::string, DiffRow> rows;
  for (const auto& s : o.sections) {
    if (s.name.empty()) continue;
    auto& r = rows[s.name];
    r.name = s.name;
    r.old_file_bytes += s.file_bytes;
    r.old_vm_bytes += s.vm_bytes;
    r.removed = true;
  }
  for (const auto& s : n.sections) {
    if (s.name.empty()) continue;
    auto& r = rows[s.name];
    r.added = r.name.empty();
    r.removed = false;
    r.name = s.name;
    r.new_file_bytes += s.file_bytes;
    r.new_vm_bytes += s.vm_bytes;
  }
  std::vector<DiffRow> out;
  for (auto& [name, r] : rows) {
    if (r.file_delta() != 0 || r.vm_delta() != 0 || r.added || r.removed) out.push_back(r);
  }
  sort_by_change(out);
  return out;
}

std::vector<DiffRow> diff_symbols(const BinarySize& o, const BinarySize& n) {
  std::map<std::string, DiffRow> rows;
  for (const auto& s : o.symbols) {
    auto& r = rows[s.mangled];
    r.name = s.name.empty() ? s.mangled : s.name;
    r.old_file_bytes += s.bytes;
    r.removed = true;
  }
  for (const auto& s : n.symbols) {
    auto& r = rows[s.mangled];
    r.added = r.name.empty();
    r.removed = false;
    r.name = s.name.empty() ? s.mangled : s.name;
    r.new_file_bytes += s.bytes;
  }
  std::vector<DiffRow> out;
  for (auto& [key, r] : rows) {
    if (r.file_delta() != 0) out.push_back(r);
  }
  sort_by_change(out);
  return out;
}

// Libraries by DT_NEEDED name (one loaded copy each); one that was not found counts 0 bytes.
std::vector<DiffRow> diff_libraries(const BinarySize& o, const BinarySize& n) {
  std::map<std::string, DiffRow> rows;
  for (const auto& l : o.libraries) {
    auto& r = rows[l.needed];
    r.name = l.needed;
    r.old_file_bytes = l.file_bytes;
    r.removed = true;
  }
  for (const auto& l : n.libraries) {
    auto& r = rows[l.needed];
    r.added = r.name.empty();
    r.removed = false;
    r.name = l.needed;
    r.new_file_bytes = l.file_bytes;
  }
  std::vector<DiffRow> out;
  for (auto& [key, r] : rows) {
    if (r.file_delta() != 0 || r.added || r.removed) out.push_back(r);
  }
  sort_by_change(out);
  return out;
}

}  // namespace

SizeDiff diff_sizes(const BinarySize& o, const BinarySize& n, std::size_t top_symbols) {
  SizeDiff d;
  d.old_path = o.path;
  d.new_path = n.path;
  d.total = {"file", o.file_bytes, n.file_bytes, o.vm_bytes, n.vm_bytes, false, false};
  d.stripped = {"stripped", o.stripped_bytes, n.stripped_bytes, 0, 0, false, false};
  d.sections = diff_sections(o, n);
  d.symbols = diff_symbols(o, n);
  d.symbols_complete = o.symbols.size() == o.symbol_count && n.symbols.size() == n.symbol_count;
  if (top_symbols != 0 && d.symbols.size() > top_symbols) d.symbols.resize(top_symbols);
  d.libraries_compared = o.libraries_resolved && n.libraries_resolved;
  if (d.libraries_compared) {
    d.libraries = diff_libraries(o, n);
    d.closure = {"closure", o.closure_bytes, n.closure_bytes, 0, 0, false, false};
  }
  return d;
}

}  // namespace perfprobe::elf
