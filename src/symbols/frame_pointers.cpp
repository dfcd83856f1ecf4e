// A prologue census rather than a DWARF CFI walk: a few thousand 16-byte reads decide it in well
// under a millisecond per library, cheap enough for the recording loop. gcc and clang built with
// -fno-omit-frame-pointer open nearly every function with the frame setup; built without it, only
// functions that need a frame for alloca or variable-length arrays do.
#include "perfprobe/symbols/frame_pointers.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::symbols {

namespace {

constexpr std::size_t kMaxChecked = 4000;  // functions looked at per file (evenly spread)
constexpr GElf_Xword kMinSize = 16;        // tiny functions (thunks, stubs) may skip the frame
constexpr std::size_t kPrologueBytes = 16;
constexpr double kFramedShare = 0.3;  // shrink-wrapping moves some prologues further in

struct ElfEnd {
  void operator()(Elf* e) const noexcept { elf_end(e); }
};

// `push %rbp` first (after an optional endbr64), then `mov %rsp,%rbp` among the next few
// instructions (the scheduler may put argument moves between the two).
bool framed_prologue(const unsigned char* b, std::size_t n) {
  static constexpr unsigned char kEndbr64[] = {0xf3, 0x0f, 0x1e, 0xfa};
  static constexpr unsigned char kMovRspRbp[] = {0x48, 0x89, 0xe5};
  const std::size_t at = n >= 4 && std::memcmp(b, kEndbr64, 4) == 0 ? 4 : 0;
  if (n <= at || b[at] != 0x55) return false;
  for (std::size_t i = at + 1; i + 3 <= n; ++i) {
    if (std::memcmp(b + i, kMovRspRbp, 3) == 0) return true;
  }
  return false;
}

// The symbol table section to census: .symtab, else .dynsym.
Elf_Scn* function_table(Elf* elf, GElf_Shdr& shdr) {
  Elf_Scn* dynsym = nullptr;
  GElf_Shdr dyn{};
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr h;
    if (gelf_getshdr(scn, &h) == nullptr) continue;
    if (h.sh_type == SHT_SYMTAB) {
      shdr = h;
      return scn;
    }
    if (h.sh_type == SHT_DYNSYM) {
      dynsym = scn;
      dyn = h;
    }
  }
  shdr = dyn;
  return dynsym;
}

}  // namespace

FramePointers detect_frame_pointers(const std::string& path) {
  elf_version(EV_CURRENT);
  const sys::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return FramePointers::unknown;
  const std::unique_ptr<Elf, ElfEnd> elf(elf_begin(fd.get(), ELF_C_READ_MMAP, nullptr));
  GElf_Ehdr eh;
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF || gelf_getehdr(elf.get(), &eh) == nullptr ||
      eh.e_machine != EM_X86_64) {
    return FramePointers::unknown;
  }
  GElf_Shdr symhdr{};
  Elf_Scn* symscn = function_table(elf.get(), symhdr);
  Elf_Data* syms = symscn == nullptr ? nullptr : elf_getdata(symscn, nullptr);
  if (syms == nullptr || symhdr.sh_entsize == 0) return FramePointers::unknown;
  const std::size_t count = symhdr.sh_size / symhdr.sh_entsize;
  const std::size_t step = count / kMaxChecked + 1;
  std::size_t checked = 0, framed = 0;
  for (std::size_t i = 0; i < count; i += step) {
    GElf_Sym sym;
    if (gelf_getsym(syms, static_cast<int>(i), &sym) == nullptr || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
        sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE || sym.st_size < kMinSize) {
      continue;
    }
    Elf_Scn* text = elf_getscn(elf.get(), sym.st_shndx);
    GElf_Shdr th;
    if (text == nullptr || gelf_getshdr(text, &th) == nullptr || th.sh_type != SHT_PROGBITS ||
        sym.st_value < th.sh_addr || sym.st_value - th.sh_addr + kPrologueBytes > th.sh_size) {
      continue;
    }
    Elf_Data* code = elf_rawdata(text, nullptr);
    if (code == nullptr || code->d_buf == nullptr || sym.st_value - th.sh_addr + kPrologueBytes > code->d_size)
      continue;
    const auto* bytes = static_cast<const unsigned char*>(code->d_buf) + (sym.st_value - th.sh_addr);
    ++checked;
    if (framed_prologue(bytes, kPrologueBytes)) ++framed;
  }
  if (checked == 0) return FramePointers::unknown;
  return static_cast<double>(framed) >= kFramedShare * static_cast<double>(checked) ? FramePointers::yes
                                                                                    : FramePointers::no;
}

}  // namespace perfprobe::symbols
