// CSV of `perfprobe size` (one row per file, section, segment, symbol and library) and of its diff.
#include <string>

#include "perfprobe/report/size_views.hpp"

namespace perfprobe::report {

namespace {

// RFC 4180: quote when needed, double the quotes inside.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

void write_size_csv(std::ostream& out, const std::vector<elf::BinarySize>& files) {
  out << "file,kind,name,file_bytes,vm_bytes,detail\n";
  for (const auto& b : files) {
    const std::string f = field(b.path);
    out << f << ",file," << f << "," << b.file_bytes << "," << b.vm_bytes << "," << b.elf_class << " " << b.endian
        << " " << field(b.machine) << "\n";
    out << f << ",stripped," << f << "," << b.stripped_bytes << ",0,\n";
    for (const auto& s : b.sections) {
      if (s.name.empty()) continue;
      out << f << ",section," << field(s.name) << "," << s.file_bytes << "," << s.vm_bytes << ","
          << (s.strip_removable ? "strip_removable" : "") << "\n";
    }
    for (const auto& s : b.segments)
      out << f << ",segment," << s.type << "," << s.file_bytes << "," << s.vm_bytes << "," << s.flags << "\n";
    for (const auto& s : b.symbols)
      out << f << ",symbol," << field(s.name) << "," << s.bytes << ",0," << s.kind << "\n";
    for (const auto& l : b.libraries)
      out << f << ",library," << field(l.needed) << "," << l.file_bytes << ",0," << field(l.path) << "\n";
  }
}

void write_size_diff_csv(std::ostream& out, const elf::SizeDiff& d) {
  out << "kind,name,old_file_bytes,new_file_bytes,file_delta_bytes,old_vm_bytes,new_vm_bytes,vm_delta_bytes\n";
  const auto row = [&out](const char* kind, const elf::DiffRow& r) {
    out << kind << "," << field(r.name) << "," << r.old_file_bytes << "," << r.new_file_bytes << "," << r.file_delta()
        << "," << r.old_vm_bytes << "," << r.new_vm_bytes << "," << r.vm_delta() << "\n";
  };
  row("total", d.total);
  row("stripped", d.stripped);
  for (const auto& r : d.sections) row("section", r);
  for (const auto& r : d.symbols) row("symbol", r);
  for (const auto& r : d.libraries) row("library", r);
  if (d.libraries_compared) row("closure", d.closure);
}

}  // namespace perfprobe::report
