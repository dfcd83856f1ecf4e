// The human table of `perfprobe size` and of its diff (stdout).
#include <algorithm>
#include <cstdio>
#include <string>

#include "perfprobe/report/size_views.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

namespace {

constexpr std::size_t kSectionRows = 25;  // the rest are summed into one line

std::string pad(std::string s, std::size_t width) { return pad_right(std::move(s), width); }
std::string rpad(std::string s, std::size_t width) { return pad_left(std::move(s), width); }

std::string pct(std::uint64_t part, std::uint64_t whole) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return b;
}

std::string bold(const std::string& s, bool color) { return color ? "\033[1m" + s + "\033[0m" : s; }

std::string signed_bytes(std::int64_t delta) {
  // Sign pushed in front of the number: a string concatenation here trips gcc 12's false -Wrestrict (PR 105329).
  std::string out = format_bytes(static_cast<double>(delta < 0 ? -delta : delta));
  if (delta != 0) out.insert(out.begin(), delta > 0 ? '+' : '-');
  return out;
}

void write_sections(std::ostream& out, const elf::BinarySize& b) {
  std::vector<const elf::SectionSize*> rows;
  for (const auto& s : b.sections) {
    if (!s.name.empty() || s.file_bytes != 0) rows.push_back(&s);
  }
  std::stable_sort(rows.begin(), rows.end(), [](auto* x, auto* y) {
    return std::max(x->file_bytes, x->vm_bytes) > std::max(y->file_bytes, y->vm_bytes);
  });
  out << "  " << pad("section", 26) << rpad("file", 11) << rpad("memory", 11) << rpad("% file", 8) << "  strip\n";
  std::uint64_t rest_file = 0, rest_vm = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& s = *rows[i];
    if (i >= kSectionRows) {
      rest_file += s.file_bytes;
      rest_vm += s.vm_bytes;
      continue;
    }
    out << "  " << pad(s.name, 26) << rpad(format_bytes(static_cast<double>(s.file_bytes)), 11)
        << rpad(format_bytes(static_cast<double>(s.vm_bytes)), 11) << rpad(pct(s.file_bytes, b.file_bytes), 8)
        << (s.strip_removable ? "  removed" : "") << "\n";
  }
  if (rows.size() > kSectionRows) {
    std::string more = std::to_string(rows.size() - kSectionRows);  // no "(" + ...: gcc 12 -Wrestrict, PR 105329
    more.insert(more.begin(), '(');
    more.append(" more)");
    out << "  " << pad(more, 26) << rpad(format_bytes(static_cast<double>(rest_file)), 11)
        << rpad(format_bytes(static_cast<double>(rest_vm)), 11) << "\n";
  }
}

void write_segments(std::ostream& out, const elf::BinarySize& b) {
  if (b.segments.empty()) return;
  out << "  " << pad("segment", 16) << pad("flags", 6) << rpad("offset", 12) << rpad("file", 11) << rpad("memory", 11)
      << "\n";
  for (const auto& s : b.segments) {
    char off[32];
    std::snprintf(off, sizeof off, "0x%llx", static_cast<unsigned long long>(s.offset));
    out << "  " << pad(s.type, 16) << pad(s.flags, 6) << rpad(off, 12)
        << rpad(format_bytes(static_cast<double>(s.file_bytes)), 11)
        << rpad(format_bytes(static_cast<double>(s.vm_bytes)), 11) << "\n";
  }
}

void write_symbols(std::ostream& out, const elf::BinarySize& b) {
  if (b.symbols.empty()) return;
  out << "  largest symbols (" << b.symbols.size() << " of " << b.symbol_count << " in " << b.symbol_table << ")\n";
  for (const auto& s : b.symbols) {
    std::string name = s.name.size() > 90 ? s.name.substr(0, 87) + "..." : s.name;
    out << "  " << rpad(format_bytes(static_cast<double>(s.bytes)), 10) << "  " << pad(s.kind, 7) << name << "\n";
  }
}

void write_libraries(std::ostream& out, const elf::BinarySize& b) {
  if (!b.libraries_resolved || b.libraries.empty()) return;
  out << "  shared libraries (closure with the file: " << format_bytes(static_cast<double>(b.closure_bytes)) << ")\n";
  for (const auto& l : b.libraries) {
    out << "  " << rpad(l.path.empty() ? "-" : format_bytes(static_cast<double>(l.file_bytes)), 10) << "  "
        << pad(l.needed, 28) << (l.path.empty() ? "NOT FOUND (needed by " + l.needed_by + ")" : l.path) << "\n";
  }
}

}  // namespace

void write_size_text(std::ostream& out, const std::vector<elf::BinarySize>& files, bool color) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& b = files[i];
    if (i > 0) out << "\n";
    out << bold(b.path, color) << ": " << b.elf_class << " " << b.endian << "-endian " << b.machine << " " << b.type
        << "\n";
    out << "  file size      " << rpad(format_bytes(static_cast<double>(b.file_bytes)), 11) << "  (" << b.file_bytes
        << " bytes)\n";
    out << "  after strip    " << rpad(format_bytes(static_cast<double>(b.stripped_bytes)), 11) << "  ("
        << b.stripped_bytes << " bytes; strip removes " << format_bytes(static_cast<double>(b.strip_removable_bytes))
        << ": debug info " << format_bytes(static_cast<double>(b.debug_bytes)) << ", symbol table "
        << format_bytes(static_cast<double>(b.symtab_bytes)) << ")\n";
    out << "  loaded (VM)    " << rpad(format_bytes(static_cast<double>(b.vm_bytes)), 11) << "\n\n";
    write_sections(out, b);
    out << "\n";
    write_segments(out, b);
    if (!b.symbols.empty()) out << "\n";
    write_symbols(out, b);
    if (b.libraries_resolved && !b.libraries.empty()) out << "\n";
    write_libraries(out, b);
  }
}

void write_size_diff_text(std::ostream& out, const elf::SizeDiff& d, bool color) {
  // Symbols and libraries have no size in memory of their own: their memory column stays empty.
  const auto line = [&out](const elf::DiffRow& r, std::size_t width, bool memory = true) {
    out << "  " << rpad(signed_bytes(r.file_delta()), 11) << rpad(memory ? signed_bytes(r.vm_delta()) : "", 11) << "  "
        << pad(r.name.size() > width ? r.name.substr(0, width - 3) + "..." : r.name, width)
        << format_bytes(static_cast<double>(r.old_file_bytes)) << " -> "
        << format_bytes(static_cast<double>(r.new_file_bytes))
        << (r.added     ? "  (added)"
            : r.removed ? "  (removed)"
                        : "")
        << "\n";
  };
  out << bold(d.new_path, color) << " against " << d.old_path << "\n";
  out << "  " << rpad("file", 11) << rpad("memory", 11) << "\n";
  line(d.total, 26);
  line(d.stripped, 26);
  out << "\n  sections" << (d.sections.empty() ? ": no change" : "") << "\n";
  for (const auto& r : d.sections) line(r, 26);
  out << "\n  symbols" << (d.symbols.empty() ? ": no change" : "")
      << (d.symbols_complete ? "" : " (only the symbols saved in the JSON: save it with --top 0 for all)") << "\n";
  for (const auto& r : d.symbols) line(r, 60, false);
  if (!d.libraries_compared) return;
  out << "\n  libraries" << (d.libraries.empty() ? ": no change" : "") << "\n";
  for (const auto& r : d.libraries) line(r, 26, false);
  line(d.closure, 26, false);
}

}  // namespace perfprobe::report
