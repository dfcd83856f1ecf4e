// .note.stapsdt: desc = u64 pc, u64 base, u64 semaphore (in the file's word size and byte order),
// then provider, name, args as NUL-terminated strings (systemtap's sdt.h). The probe address is
// adjusted by the difference between the real .stapsdt.base address and the note's base (prelink).
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "perfprobe/elf/sdt.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/sys/fd.hpp"
#include "perfprobe/sys/input_file.hpp"

namespace perfprobe::elf {

namespace {

struct SdtElfEnd {
  void operator()(Elf* e) const noexcept { elf_end(e); }
};
using SdtElf = std::unique_ptr<Elf, SdtElfEnd>;

struct Opened {
  sys::Fd fd;
  SdtElf elf;
};

Opened open_elf(const std::string& path, bool throw_on_error) {
  elf_version(EV_CURRENT);
  Opened o{sys::Fd(), nullptr};
  try {
    o.fd = sys::open_input(path, "ELF file");
  } catch (const UsageError&) {
    if (throw_on_error) throw;
    return o;
  }
  o.elf.reset(elf_begin(o.fd.get(), ELF_C_READ_MMAP, nullptr));
  if (!o.elf || elf_kind(o.elf.get()) != ELF_K_ELF) {
    o.elf.reset();
    if (throw_on_error) throw UsageError("'" + path + "' is not an ELF file", "give an executable or a shared library");
  }
  return o;
}

// The file offset of a link-time address, through the PT_LOAD segment that contains it.
std::uint64_t file_offset(Elf* elf, std::uint64_t addr) {
  std::size_t n = 0;
  if (elf_getphdrnum(elf, &n) != 0) return addr;
  for (std::size_t i = 0; i < n; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf, static_cast<int>(i), &ph) == nullptr || ph.p_type != PT_LOAD) continue;
    if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_filesz) return addr - ph.p_vaddr + ph.p_offset;
  }
  return addr;
}

struct Sections {
  Elf_Scn* notes = nullptr;
  std::uint64_t base_addr = 0;
  bool has_base = false;
};

Sections find_sections(Elf* elf) {
  Sections s;
  std::size_t shstrndx = 0;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0) return s;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr) continue;
    const char* name = elf_strptr(elf, shstrndx, sh.sh_name);
    if (name == nullptr) continue;
    if (sh.sh_type == SHT_NOTE && std::strcmp(name, ".note.stapsdt") == 0) s.notes = scn;
    if (std::strcmp(name, ".stapsdt.base") == 0) {
      s.base_addr = sh.sh_addr;
      s.has_base = true;
    }
  }
  return s;
}

// Reads one note's descriptor; false when it is malformed (bounds-checked: no read past desc).
bool parse_note(Elf* elf, const char* desc, std::size_t size, const Sections& sec, SdtProbe& p) {
  const bool is64 = gelf_getclass(elf) == ELFCLASS64;
  const std::size_t word = is64 ? 8 : 4;
  if (size < 3 * word) return false;
  std::uint64_t v[3] = {};
  for (int i = 0; i < 3; ++i) {
    Elf_Data src{};
    Elf_Data dst{};
    src.d_buf = const_cast<char*>(desc + static_cast<std::size_t>(i) * word);
    src.d_size = word;
    src.d_type = is64 ? ELF_T_XWORD : ELF_T_WORD;
    src.d_version = EV_CURRENT;
    std::uint64_t out = 0;
    dst.d_buf = &out;
    dst.d_size = sizeof out;
    dst.d_version = EV_CURRENT;
    const auto encoding = static_cast<unsigned char>(elf_getident(elf, nullptr)[EI_DATA]);
    if (gelf_xlatetom(elf, &dst, &src, encoding) == nullptr) return false;
    v[i] = is64 ? out : static_cast<std::uint32_t>(out);
  }
  const char* strings = desc + 3 * word;
  const char* end = desc + size;
  const char* fields[3] = {};
  for (auto& f : fields) {
    const void* nul = std::memchr(strings, 0, static_cast<std::size_t>(end - strings));
    if (strings >= end || nul == nullptr) return false;
    f = strings;
    strings = static_cast<const char*>(nul) + 1;
  }
  p.provider = fields[0];
  p.name = fields[1];
  p.args = fields[2];
  p.address = v[0] + (sec.has_base && v[1] != 0 ? sec.base_addr - v[1] : 0);
  p.semaphore = v[2];
  return true;
}

// A file cut short (a copy that stopped, a download in progress) has headers pointing past its end:
// that is an error, not "no probes".
void check_complete(Elf* elf, const std::string& path) {
  std::size_t size = 0;
  (void)elf_rawfile(elf, &size);
  GElf_Ehdr eh;
  std::size_t shnum = 0;
  const auto fail = [&](const std::string& what) {
    throw UsageError(
        "'" + path + "' is truncated or corrupt: " + what + " (the file has " + std::to_string(size) + " bytes)",
        "give a complete ELF file");
  };
  if (gelf_getehdr(elf, &eh) == nullptr || elf_getshdrnum(elf, &shnum) != 0) fail("no readable ELF header");
  // libelf quietly reports no sections when the table lies past the end: compare with the raw count.
  if ((eh.e_shnum != 0 && shnum != eh.e_shnum) || (shnum == 0 && eh.e_shoff != 0)) {
    fail("its section headers end past the end of the file");
  }
  // off + len <= size, without overflow.
  const auto fits = [&](std::uint64_t off, std::uint64_t len) { return off <= size && len <= size - off; };
  std::uint64_t table = 0;
  if (shnum > 0 && (__builtin_mul_overflow(shnum, std::uint64_t{eh.e_shentsize}, &table) || !fits(eh.e_shoff, table))) {
    fail("its section headers end past the end of the file");
  }
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr) fail("a section header cannot be read");
    if (sh.sh_type == SHT_NOBITS) continue;
    if (!fits(sh.sh_offset, sh.sh_size)) {
      fail("section " + std::to_string(elf_ndxscn(scn)) + " ends past the end of the file");
    }
  }
}

}  // namespace

std::vector<SdtProbe> read_sdt_probes(const std::string& path) {
  const Opened o = open_elf(path, true);
  Elf* elf = o.elf.get();
  check_complete(elf, path);
  const Sections sec = find_sections(elf);
  std::vector<SdtProbe> probes;
  if (sec.notes == nullptr) return probes;
  Elf_Data* data = elf_getdata(sec.notes, nullptr);
  if (data == nullptr) return probes;
  std::size_t off = 0;
  GElf_Nhdr nh;
  std::size_t name_off = 0;
  std::size_t desc_off = 0;
  while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
    const char* base = static_cast<const char*>(data->d_buf);
    if (nh.n_type != 3 || nh.n_namesz != 8 || std::memcmp(base + name_off, "stapsdt", 8) != 0) continue;
    SdtProbe p;
    p.path = path;
    if (!parse_note(elf, base + desc_off, nh.n_descsz, sec, p)) continue;
    p.offset = file_offset(elf, p.address);
    p.semaphore_offset = p.semaphore != 0 ? file_offset(elf, p.semaphore) : 0;
    probes.push_back(std::move(p));
  }
  return probes;
}

std::string elf_interpreter(const std::string& path) {
  const Opened o = open_elf(path, false);
  if (!o.elf) return {};
  std::size_t n = 0;
  if (elf_getphdrnum(o.elf.get(), &n) != 0) return {};
  std::size_t size = 0;
  const char* image = elf_rawfile(o.elf.get(), &size);
  for (std::size_t i = 0; i < n; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(o.elf.get(), static_cast<int>(i), &ph) == nullptr || ph.p_type != PT_INTERP) continue;
    if (image == nullptr || ph.p_offset >= size || ph.p_filesz == 0 || ph.p_offset + ph.p_filesz > size) return {};
    return {image + ph.p_offset, strnlen(image + ph.p_offset, ph.p_filesz)};
  }
  return {};
}

}  // namespace perfprobe::elf
