// JSON of `perfprobe size` (schema_version 1): written for --json and read back for --diff OLD.json.
// The only code that knows these key names.
#include <nlohmann/json.hpp>

#include "perfprobe/error.hpp"
#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/run_report.hpp"
#include "perfprobe/report/size_views.hpp"

namespace perfprobe::report {

using nlohmann::json;

namespace {

json file_json(const elf::BinarySize& b) {
  json j{{"path", b.path},
         {"elf_class", b.elf_class},
         {"endian", b.endian},
         {"type", b.type},
         {"machine", b.machine},
         {"file_bytes", b.file_bytes},
         {"stripped_bytes", b.stripped_bytes},
         {"strip_removable_bytes", b.strip_removable_bytes},
         {"debug_bytes", b.debug_bytes},
         {"symtab_bytes", b.symtab_bytes},
         {"vm_bytes", b.vm_bytes}};
  json sections = json::array();
  for (const auto& s : b.sections) {
    sections.push_back({{"name", s.name},
                        {"type", s.type},
                        {"offset", s.offset},
                        {"address", s.address},
                        {"file_bytes", s.file_bytes},
                        {"vm_bytes", s.vm_bytes},
                        {"align", s.align},
                        {"alloc", s.alloc},
                        {"strip_removable", s.strip_removable}});
  }
  j["sections"] = std::move(sections);
  json segments = json::array();
  for (const auto& s : b.segments) {
    segments.push_back({{"type", s.type},
                        {"flags", s.flags},
                        {"offset", s.offset},
                        {"vaddr", s.vaddr},
                        {"file_bytes", s.file_bytes},
                        {"vm_bytes", s.vm_bytes}});
  }
  j["segments"] = std::move(segments);
  j["symbol_table"] = b.symbol_table;
  j["symbol_count"] = b.symbol_count;
  json symbols = json::array();
  for (const auto& s : b.symbols) {
    symbols.push_back(
        {{"name", s.name}, {"mangled", s.mangled}, {"kind", s.kind}, {"section", s.section}, {"bytes", s.bytes}});
  }
  j["symbols"] = std::move(symbols);
  j["needed"] = b.needed;
  j["runpath"] = b.runpath;
  j["rpath"] = b.rpath;
  j["soname"] = b.soname;
  j["interpreter"] = b.interpreter;
  if (b.libraries_resolved) {
    json libs = json::array();
    for (const auto& l : b.libraries) {
      libs.push_back({{"needed", l.needed},
                      {"path", l.path},
                      {"found", !l.path.empty()},
                      {"found_via", l.found_via},
                      {"needed_by", l.needed_by},
                      {"file_bytes", l.file_bytes}});
    }
    j["libraries"] = std::move(libs);
    j["closure_bytes"] = b.closure_bytes;
  }
  return j;
}

json row_json(const elf::DiffRow& r) {
  return json{{"name", r.name},
              {"old_file_bytes", r.old_file_bytes},
              {"new_file_bytes", r.new_file_bytes},
              {"file_delta_bytes", r.file_delta()},
              {"old_vm_bytes", r.old_vm_bytes},
              {"new_vm_bytes", r.new_vm_bytes},
              {"vm_delta_bytes", r.vm_delta()},
              {"status", r.added     ? "added"
                         : r.removed ? "removed"
                                     : "changed"}};
}

elf::BinarySize file_from_json(const json& j) {
  elf::BinarySize b;
  b.path = j.at("path").get<std::string>();
  b.elf_class = j.value("elf_class", "");
  b.type = j.value("type", "");
  b.machine = j.value("machine", "");
  b.file_bytes = j.at("file_bytes").get<std::uint64_t>();
  b.stripped_bytes = j.at("stripped_bytes").get<std::uint64_t>();
  b.vm_bytes = j.value("vm_bytes", std::uint64_t{0});
  for (const auto& s : j.at("sections")) {
    elf::SectionSize sec;
    sec.name = s.at("name").get<std::string>();
    sec.file_bytes = s.at("file_bytes").get<std::uint64_t>();
    sec.vm_bytes = s.at("vm_bytes").get<std::uint64_t>();
    b.sections.push_back(std::move(sec));
  }
  for (const auto& s : j.at("symbols")) {
    elf::SymbolSize sym;
    sym.name = s.at("name").get<std::string>();
    sym.mangled = s.value("mangled", sym.name);
    sym.bytes = s.at("bytes").get<std::uint64_t>();
    b.symbols.push_back(std::move(sym));
  }
  b.symbol_count = j.value("symbol_count", static_cast<std::uint64_t>(b.symbols.size()));
  if (j.contains("libraries") && j["libraries"].is_array()) {
    b.libraries_resolved = true;
    for (const auto& l : j["libraries"]) {
      elf::LibrarySize lib;
      lib.needed = l.at("needed").get<std::string>();
      lib.path = l.value("path", "");
      lib.file_bytes = l.value("file_bytes", std::uint64_t{0});
      b.libraries.push_back(std::move(lib));
    }
    b.closure_bytes = j.value("closure_bytes", b.file_bytes);
  }
  return b;
}

std::string base_name(const std::string& p) {
  return p.substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
}

}  // namespace

std::string size_to_json_text(const std::vector<elf::BinarySize>& files) {
  json doc{{"schema_version", kSchemaVersion}, {"tool", "perfprobe " PERFPROBE_VERSION}};
  json arr = json::array();
  for (const auto& f : files) arr.push_back(file_json(f));
  doc["files"] = std::move(arr);
  return perfprobe::report::dump_json(doc, 2) + "\n";
}

std::string size_diff_to_json_text(const elf::SizeDiff& d) {
  json diff{{"old", d.old_path},
            {"new", d.new_path},
            {"file", row_json(d.total)},
            {"stripped", row_json(d.stripped)},
            {"symbols_complete", d.symbols_complete}};
  json sections = json::array();
  for (const auto& r : d.sections) sections.push_back(row_json(r));
  diff["sections"] = std::move(sections);
  json symbols = json::array();
  for (const auto& r : d.symbols) symbols.push_back(row_json(r));
  diff["symbols"] = std::move(symbols);
  if (d.libraries_compared) {
    json libraries = json::array();
    for (const auto& r : d.libraries) libraries.push_back(row_json(r));
    diff["libraries"] = std::move(libraries);
    diff["closure"] = row_json(d.closure);
  }
  json doc{{"schema_version", kSchemaVersion}, {"tool", "perfprobe " PERFPROBE_VERSION}, {"diff", std::move(diff)}};
  return perfprobe::report::dump_json(doc, 2) + "\n";
}

elf::BinarySize size_from_json_text(const std::string& text, const std::string& name, const std::string& prefer) {
  try {
    const json doc = json::parse(text);
    const json& files = doc.at("files");
    if (!files.is_array() || files.empty()) throw UsageError("'" + name + "' lists no files");
    const json* chosen = &files.front();
    for (const auto& f : files) {
      if (f.at("path") == prefer) return file_from_json(f);
      if (base_name(f.at("path").get<std::string>()) == base_name(prefer)) chosen = &f;
    }
    return file_from_json(*chosen);
  } catch (const json::exception& e) {
    throw UsageError("'" + name + "' is not the JSON of `perfprobe size --json`: " + std::string(e.what()),
                     "give a binary or a file written by `perfprobe size --json FILE > OLD.json`");
  }
}

}  // namespace perfprobe::report
