// Inflating a debug file's compressed DWARF section by section, each as far as the compile units
// looked up so far reach, and handing libdw an ELF image in memory that holds just that.
#include "lazy_dwarf.hpp"

#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/input_file.hpp"
#include "perfprobe/sys/memory.hpp"

namespace perfprobe::symbols {

namespace {

// What a line lookup and the scopes of inlined calls read. The location lists, call frame
// information and macros (a third of libc's DWARF) are left out: nothing here reads them. The first
// three are inflated only up to the end of the last compile unit looked up; the others whole when
// the file is opened (small, and read from anywhere).
constexpr std::array<const char*, 10> kKept = {
    ".debug_info",     ".debug_abbrev",      ".debug_line", ".debug_aranges",  ".debug_str",
    ".debug_line_str", ".debug_str_offsets", ".debug_addr", ".debug_rnglists", ".debug_ranges"};
enum Kept : std::size_t { idx_info, idx_abbrev, idx_line, idx_aranges, idx_first_whole = idx_aranges };

std::uint64_t read_le(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i > 0; --i) v = (v << 8) | p[i - 1];
  return v;
}

std::size_t align8(std::size_t n) { return (n + 7) & ~std::size_t{7}; }

}  // namespace

struct LazyDwarf::Section {
  bool present = false;
  std::size_t index = 0;               // in the image's section headers
  const unsigned char* src = nullptr;  // the bytes in the file (after the compression header)
  std::size_t src_size = 0;
  bool compressed = false;
  std::size_t full = 0;  // uncompressed size
  std::size_t slot = 0;  // its offset in the image
  std::size_t have = 0;  // bytes in the image so far
  std::unique_ptr<z_stream> z;
  bool broken = false;  // a zlib error: no more bytes

  Section() = default;
  Section(Section&&) noexcept = default;
  Section& operator=(Section&&) noexcept = default;
  ~Section() {
    if (z) inflateEnd(z.get());
  }

  // At least `n` bytes (or all of them) in the image at its offset `slot`; false when they cannot be had.
  bool ensure(const sys::Mapping& memory, std::size_t n) {
    n = std::min(n, full);
    if (have >= n) return true;
    auto* image = static_cast<unsigned char*>(memory.get());
    sys::prefault(memory, slot + have, n - have);
    if (!compressed) {
      std::memcpy(image + slot + have, src + have, n - have);
      have = n;
      return true;
    }
    if (broken) return false;
    if (!z) {
      // The zlib header read here and the deflate data inflated raw: zlib would otherwise update an
      // Adler-32 of every byte out, to compare with the trailer only once the section's end is
      // reached, which a lookup seldom needs (an eighth of the inflating time). A corrupt stream
      // still fails in the deflate data, and libdw checks what it reads.
      constexpr std::size_t kHeader = 2;
      const bool zlib_header = src_size > kHeader && (src[0] & 0x0f) == Z_DEFLATED && (src[0] >> 4) <= 7 &&
                               (src[1] & 0x20) == 0 && (src[0] * 256U + src[1]) % 31 == 0;
      if (!zlib_header) {
        broken = true;
        return false;
      }
      z = std::make_unique<z_stream>();
      z->next_in = const_cast<unsigned char*>(src + kHeader);
      z->avail_in = static_cast<uInt>(src_size - kHeader);
      constexpr int kRawDeflate = -15;  // negative: no zlib header or trailer; 15: the largest window
      if (inflateInit2(z.get(), kRawDeflate) != Z_OK) {
        z.reset();
        broken = true;
        return false;
      }
    }
    z->next_out = image + slot + have;
    z->avail_out = static_cast<uInt>(n - have);
    while (z->avail_out > 0) {
      const int rc = inflate(z.get(), Z_SYNC_FLUSH);
      have = static_cast<std::size_t>(z->next_out - (image + slot));
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK) {
        broken = true;
        break;
      }
    }
    // The stream never reads its input again behind next_in: those pages of the mapped file need not
    // stay resident (libc's debug file: megabytes read once).
    sys::page_out(src, z->next_in);
    return have >= n;
  }
};

LazyDwarf::LazyDwarf() = default;

LazyDwarf::~LazyDwarf() {
  if (dwarf_ != nullptr) dwarf_end(dwarf_);
  if (image_elf_ != nullptr) elf_end(image_elf_);
  sections_.clear();
  if (file_ != nullptr) elf_end(file_);  // before fd_ closes
}

std::unique_ptr<LazyDwarf> LazyDwarf::open(const std::string& path) {
  std::unique_ptr<LazyDwarf> d(new LazyDwarf());
  (void)elf_version(EV_CURRENT);  // libelf refuses to work before it is told the version (once is enough)
  try {
    d->fd_ = sys::open_input(path, "debug file");
  } catch (const Error&) {
    return nullptr;
  }
  d->file_ = elf_begin(d->fd_.get(), ELF_C_READ_MMAP, nullptr);
  std::size_t file_size = 0;
  const auto* file =
      d->file_ == nullptr ? nullptr : reinterpret_cast<const unsigned char*>(elf_rawfile(d->file_, &file_size));
  GElf_Ehdr ehdr;
  if (file == nullptr || gelf_getehdr(d->file_, &ehdr) == nullptr || ehdr.e_ident[EI_CLASS] != ELFCLASS64 ||
      ehdr.e_ident[EI_DATA] != ELFDATA2LSB || ehdr.e_type == ET_REL || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__) {
    return nullptr;  // relocatable objects need libdwfl's relocation; other layouts are rare here
  }
  std::size_t shstrndx = 0;
  if (elf_getshdrstrndx(d->file_, &shstrndx) != 0) return nullptr;
  bool any_compressed = false;
  d->sections_.resize(kKept.size());
  for (Elf_Scn* scn = elf_nextscn(d->file_, nullptr); scn != nullptr; scn = elf_nextscn(d->file_, scn)) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) == nullptr) continue;
    const char* name = elf_strptr(d->file_, shstrndx, shdr.sh_name);
    if (name == nullptr) continue;
    if (std::strcmp(name, ".gnu_debugaltlink") == 0 || std::strncmp(name, ".zdebug", 7) == 0) return nullptr;
    const auto kept =
        std::find_if(kKept.begin(), kKept.end(), [&](const char* n) { return std::strcmp(n, name) == 0; });
    if (kept == kKept.end() || shdr.sh_type == SHT_NOBITS) continue;
    if (shdr.sh_offset > file_size || shdr.sh_size > file_size - shdr.sh_offset) return nullptr;
    Section& s = d->sections_[static_cast<std::size_t>(kept - kKept.begin())];
    if (s.present) return nullptr;  // twice: not a file to take apart
    s.present = true;
    s.src = file + shdr.sh_offset;
    s.src_size = shdr.sh_size;
    s.full = shdr.sh_size;
    if ((shdr.sh_flags & SHF_COMPRESSED) != 0) {
      GElf_Chdr chdr;
      if (gelf_getchdr(scn, &chdr) == nullptr || chdr.ch_type != ELFCOMPRESS_ZLIB ||
          shdr.sh_size < sizeof(Elf64_Chdr)) {
        return nullptr;
      }
      s.compressed = any_compressed = true;
      s.src += sizeof(Elf64_Chdr);
      s.src_size -= sizeof(Elf64_Chdr);
      s.full = chdr.ch_size;
      // zlib cannot expand more than 1032:1, so a larger claim is a lie that would reserve gigabytes
      // for a few kilobytes of file; and zlib's counters are 32-bit.
      constexpr std::size_t kMaxRatio = 1032;
      if (s.full > (std::size_t{1} << 32) || s.full / kMaxRatio > s.src_size) return nullptr;
    }
  }
  if (!any_compressed || !d->sections_[idx_info].present || !d->sections_[idx_abbrev].present ||
      !d->sections_[idx_aranges].present) {
    return nullptr;
  }
  // The image: ELF header, one slot per section of its whole size (untouched pages cost nothing),
  // the section names, then the section headers.
  std::size_t at = sizeof(Elf64_Ehdr);
  std::string names(1, '\0');
  std::size_t count = 0;
  for (std::size_t k = 0; k < kKept.size(); ++k) {
    Section& s = d->sections_[k];
    if (!s.present) continue;
    at = align8(at);
    s.slot = at;
    s.index = ++count;
    at += s.full;
  }
  constexpr std::size_t kMaxImage = std::size_t{1} << 30;  // ten times libc6-dbg's libc, uncompressed
  if (at > kMaxImage) return nullptr;
  const std::size_t names_at = at;
  d->shdr_offset_ = align8(names_at + 256);  // the names of kKept and .shstrtab fit in 256 bytes
  d->image_size_ = d->shdr_offset_ + (count + 2) * sizeof(Elf64_Shdr);
  // Mapped, not allocated: only the pages written are ever allocated, each range prefaulted as it is
  // inflated; and a crafted file that claims gigabytes gets no memory.
  d->image_ = sys::anonymous_memory(d->image_size_);
  if (d->image_.get() == nullptr) return nullptr;
  auto* sh = reinterpret_cast<Elf64_Shdr*>(d->image() + d->shdr_offset_);
  std::memset(sh, 0, (count + 2) * sizeof(Elf64_Shdr));
  for (std::size_t k = 0; k < kKept.size(); ++k) {
    const Section& s = d->sections_[k];
    if (!s.present) continue;
    sh[s.index].sh_name = static_cast<Elf64_Word>(names.size());
    names += kKept[k];
    names += '\0';
    sh[s.index].sh_type = SHT_PROGBITS;
    sh[s.index].sh_offset = s.slot;
    sh[s.index].sh_addralign = 1;
  }
  auto& strtab = sh[count + 1];
  strtab.sh_name = static_cast<Elf64_Word>(names.size());
  names += ".shstrtab";
  names += '\0';
  strtab.sh_type = SHT_STRTAB;
  strtab.sh_offset = names_at;
  strtab.sh_size = names.size();
  strtab.sh_addralign = 1;
  std::memcpy(d->image() + names_at, names.data(), names.size());
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ehdr.e_ident, EI_NIDENT);
  eh.e_type = static_cast<Elf64_Half>(ehdr.e_type);
  eh.e_machine = static_cast<Elf64_Half>(ehdr.e_machine);
  eh.e_version = EV_CURRENT;
  eh.e_shoff = d->shdr_offset_;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = static_cast<Elf64_Half>(count + 2);
  eh.e_shstrndx = static_cast<Elf64_Half>(count + 1);
  std::memcpy(d->image(), &eh, sizeof eh);
  for (std::size_t k = idx_first_whole; k < kKept.size(); ++k) {
    Section& s = d->sections_[k];
    if (s.present && !s.ensure(d->image_, s.full)) return nullptr;
  }
  if (!d->parse_aranges()) return nullptr;
  return d;
}

bool LazyDwarf::parse_aranges() {
  const unsigned char* p = image() + sections_[idx_aranges].slot;
  const std::size_t n = sections_[idx_aranges].have;
  std::size_t off = 0;
  while (off + 4 <= n) {
    std::uint64_t length = read_le(p + off, 4);
    std::size_t header = 4;
    if (length == 0xffffffff) {
      if (off + 12 > n) return false;
      length = read_le(p + off + 4, 8);
      header = 12;
    } else if (length >= 0xfffffff0) {
      return false;
    }
    if (length > n - off - header) return false;
    const std::size_t end = off + header + static_cast<std::size_t>(length);
    std::size_t q = off + header + 2;  // after the version
    const std::size_t offset_size = header == 12 ? 8 : 4;
    if (q + offset_size + 2 > end) return false;
    const std::uint64_t cu = read_le(p + q, offset_size);
    q += offset_size;
    const std::size_t address_size = p[q];
    const std::size_t segment_size = p[q + 1];
    q += 2;
    if ((address_size == 4 || address_size == 8) && segment_size == 0) {
      const std::size_t tuple = 2 * address_size;  // tuples start at a multiple of their size
      q = off + (q - off + tuple - 1) / tuple * tuple;
      for (; q + tuple <= end; q += tuple) {
        const std::uint64_t low = read_le(p + q, address_size);
        const std::uint64_t size = read_le(p + q + address_size, address_size);
        if (low == 0 && size == 0) break;
        if (size > 0 && low + size > low) ranges_.push_back({low, low + size, cu});
      }
    }
    off = end;
  }
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.low < b.low; });
  return true;
}

bool LazyDwarf::rebuild() {
  auto* sh = reinterpret_cast<Elf64_Shdr*>(image() + shdr_offset_);
  for (const auto& s : sections_) {
    if (s.present) sh[s.index].sh_size = s.have;
  }
  if (dwarf_ != nullptr) dwarf_end(dwarf_);
  if (image_elf_ != nullptr) elf_end(image_elf_);
  dwarf_ = nullptr;
  image_elf_ = elf_memory(reinterpret_cast<char*>(image()), image_size_);
  if (image_elf_ != nullptr) dwarf_ = dwarf_begin_elf(image_elf_, DWARF_C_READ, nullptr);
  return dwarf_ != nullptr;
}

bool LazyDwarf::cover(std::uint64_t cu) {
  if (std::binary_search(covered_.begin(), covered_.end(), cu)) return dwarf_ != nullptr;
  unsigned char* image = this->image();
  Section& info = sections_[idx_info];
  // The unit header: its length, version, and (DWARF 5: after unit type and address size) the
  // offset of its abbreviations.
  const auto header = [&](std::uint64_t at, std::uint64_t& end, std::uint64_t& abbrev) {
    if (at > info.full || !info.ensure(image_, static_cast<std::size_t>(at) + 24) || info.have < at + 24) return false;
    const unsigned char* p = image + info.slot + at;
    std::uint64_t length = read_le(p, 4);
    std::size_t size = 4;
    if (length == 0xffffffff) {
      length = read_le(p + 4, 8);
      size = 12;
    }
    const auto version = read_le(p + size, 2);
    const std::size_t abbrev_at = size + 2 + (version >= 5 ? 2 : 0);
    abbrev = read_le(p + abbrev_at, size == 12 ? 8 : 4);
    end = at + size + length;
    return end > at && end <= info.full;
  };
  std::uint64_t end = 0, abbrev = 0;
  if (!header(cu, end, abbrev) || !info.ensure(image_, static_cast<std::size_t>(end))) return false;
  // Abbreviation tables lie in the units' order: this unit's ends where the next unit's begins.
  std::uint64_t next_end = 0, next_abbrev = 0;
  const bool next = end < info.full && header(end, next_end, next_abbrev) && next_abbrev > abbrev;
  if (!sections_[idx_abbrev].ensure(image_,
                                    next ? static_cast<std::size_t>(next_abbrev) : sections_[idx_abbrev].full)) {
    return false;
  }
  if (!rebuild()) return false;
  // Its line program: from the unit's DW_AT_stmt_list, as long as the program's own header says.
  Dwarf_Off next_unit = 0;
  std::size_t header_size = 0;
  Dwarf_Die die;
  Dwarf_Attribute attr;
  std::uint8_t offset_size = 0;
  const bool has_line = sections_[idx_line].present;
  if (has_line && dwarf_nextcu(dwarf_, cu, &next_unit, &header_size, nullptr, nullptr, &offset_size) == 0 &&
      dwarf_offdie(dwarf_, cu + header_size, &die) != nullptr && dwarf_attr(&die, DW_AT_stmt_list, &attr) != nullptr) {
    // Read from the attribute's bytes: libdw's dwarf_formudata checks the offset against the
    // line section, which holds only what was inflated so far.
    const unsigned form = dwarf_whatform(&attr);
    const std::size_t bytes = form == DW_FORM_data4        ? 4
                              : form == DW_FORM_data8      ? 8
                              : form == DW_FORM_sec_offset ? offset_size
                                                           : 0;
    const std::uint64_t stmt = bytes == 0 || attr.valp == nullptr ? UINT64_MAX : read_le(attr.valp, bytes);
    Section& line = sections_[idx_line];
    if (stmt < line.full && line.ensure(image_, static_cast<std::size_t>(stmt) + 12) && line.have >= stmt + 12) {
      std::uint64_t length = read_le(image + line.slot + stmt, 4);
      std::uint64_t size = 4;
      if (length == 0xffffffff) {
        length = read_le(image + line.slot + stmt + 4, 8);
        size = 12;
      }
      const std::size_t before = line.have;
      if (stmt + size + length <= line.full) (void)line.ensure(image_, static_cast<std::size_t>(stmt + size + length));
      if (line.have != before && !rebuild()) return false;
    }
  }
  covered_.insert(std::upper_bound(covered_.begin(), covered_.end(), cu), cu);
  return true;
}

bool LazyDwarf::cu_at(Dwarf_Addr address, Dwarf_Die& cu) {
  auto it =
      std::upper_bound(ranges_.begin(), ranges_.end(), address, [](Dwarf_Addr a, const Range& r) { return a < r.low; });
  if (it == ranges_.begin()) return false;
  --it;
  if (address >= it->high || !cover(it->cu)) return false;
  Dwarf_Off next_unit = 0;
  std::size_t header_size = 0;
  return dwarf_nextcu(dwarf_, it->cu, &next_unit, &header_size, nullptr, nullptr, nullptr) == 0 &&
         dwarf_offdie(dwarf_, it->cu + header_size, &cu) != nullptr;
}

std::size_t LazyDwarf::inflated() const noexcept {
  std::size_t n = 0;
  for (const auto& s : sections_) n += s.have;
  return n;
}

std::size_t LazyDwarf::full() const noexcept {
  std::size_t n = 0;
  for (const auto& s : sections_) n += s.full;
  return n;
}

}  // namespace perfprobe::symbols
