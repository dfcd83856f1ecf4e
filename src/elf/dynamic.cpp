// The dynamic section (what the loader will look for) and the program interpreter of one ELF file.
#include <string>

#include "elf_reader.hpp"

namespace perfprobe::elf {

namespace {

std::vector<std::string> split_path_list(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto colon = text.find(':', start);
    std::string part = text.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!part.empty()) parts.push_back(std::move(part));
    if (colon == std::string::npos) return parts;
    start = colon + 1;
  }
}

void read_interp(const ElfFile& file, const ElfLayout& layout, BinarySize& out) {
  for (const auto& ph : layout.phdrs) {
    if (ph.p_type != PT_INTERP || ph.p_filesz == 0) continue;
    // read_layout checked that the segment lies inside the file.
    std::size_t raw_size = 0;
    const char* raw = elf_rawfile(file.get(), &raw_size);
    if (raw == nullptr || ph.p_offset + ph.p_filesz > raw_size) throw_corrupt(file, "PT_INTERP");
    std::string interp(raw + ph.p_offset, ph.p_filesz);
    interp.resize(interp.find('\0') == std::string::npos ? interp.size() : interp.find('\0'));
    out.interpreter = interp;
    return;
  }
}

}  // namespace

void read_dynamic(const ElfFile& file, const ElfLayout& layout, BinarySize& out) {
  read_interp(file, layout, out);
  for (const auto& s : layout.sections) {
    if (s.sh_type != SHT_DYNAMIC) continue;
    Elf_Data* data = elf_getdata(s.scn, nullptr);
    if (data == nullptr) throw_corrupt(file, "dynamic section: " + libelf_error());
    const std::size_t entsize = gelf_fsize(file.get(), ELF_T_DYN, 1, EV_CURRENT);
    const std::size_t count = entsize == 0 ? 0 : data->d_size / entsize;
    for (std::size_t i = 0; i < count; ++i) {
      GElf_Dyn dyn{};
      if (gelf_getdyn(data, static_cast<int>(i), &dyn) == nullptr || dyn.d_tag == DT_NULL) break;
      if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_SONAME)
        continue;
      const char* str = elf_strptr(file.get(), s.sh_link, dyn.d_un.d_val);
      if (str == nullptr) throw_corrupt(file, "a dynamic entry names a string outside its string table");
      if (dyn.d_tag == DT_NEEDED) out.needed.emplace_back(str);
      if (dyn.d_tag == DT_RUNPATH) out.runpath = split_path_list(str);
      if (dyn.d_tag == DT_RPATH) out.rpath = split_path_list(str);
      if (dyn.d_tag == DT_SONAME) out.soname = str;
    }
    return;  // there is only one dynamic section
  }
}

}  // namespace perfprobe::elf
