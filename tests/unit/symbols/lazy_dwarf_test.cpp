// A module whose DWARF is in a separate zlib-compressed debug file (as libc6-dbg ships libc): the
// same frames as from the uncompressed copy, with only the looked-up units' DWARF inflated.
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "symbols/lazy_dwarf.hpp"
#include "symbols/module.hpp"

namespace perfprobe::symbols {
namespace {

constexpr const char* kFixture = PERFPROBE_FIXTURE_DIR "/hot_inline_gz";

struct Span {
  std::uint64_t start = 0, size = 0;
};

// A function's address and size from the uncompressed copy's symbol table.
Span symbol(const std::string& path, const std::string& name) {
  Span out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  elf_version(EV_CURRENT);
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr && out.size == 0; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) == nullptr || shdr.sh_type != SHT_SYMTAB || shdr.sh_entsize == 0) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    for (std::size_t i = 0; data != nullptr && i < shdr.sh_size / shdr.sh_entsize; ++i) {
      GElf_Sym sym;
      if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) continue;
      const char* n = elf_strptr(elf, shdr.sh_link, sym.st_name);
      if (n != nullptr && name == n && sym.st_size > 0) out = {sym.st_value, sym.st_size};
    }
  }
  elf_end(elf);
  ::close(fd);
  return out;
}

void expect_same_frames(const Module& lazy, const Module& plain, Span span, bool& saw_inlined) {
  for (std::uint64_t a = span.start; a < span.start + span.size; ++a) {
    const auto got = lazy.frames(a);
    const auto want = plain.frames(a);
    ASSERT_EQ(got.size(), want.size()) << "at 0x" << std::hex << a;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].function, want[i].function) << "at 0x" << std::hex << a;
      EXPECT_EQ(got[i].file, want[i].file) << "at 0x" << std::hex << a;
      EXPECT_EQ(got[i].line, want[i].line) << "at 0x" << std::hex << a;
      EXPECT_EQ(got[i].inlined, want[i].inlined) << "at 0x" << std::hex << a;
      saw_inlined = saw_inlined || (got[i].inlined && got[i].function == "inlined_hot" && got[i].line > 0);
    }
  }
}

TEST(LazyDwarf, SameFramesAsUncompressedInflatingOnlyTheUnitsLookedUp) {
  const Module lazy(kFixture);
  const Module plain(std::string(kFixture) + ".full");
  ASSERT_TRUE(lazy.ok());
  ASSERT_TRUE(plain.ok());
  const Span main_fn = symbol(std::string(kFixture) + ".full", "main");
  const Span bulk_fn = symbol(std::string(kFixture) + ".full", "bulk_fn_295");
  ASSERT_GT(main_fn.size, 0U);
  ASSERT_GT(bulk_fn.size, 0U);

  // The module list's facts come from section headers: nothing inflated for them.
  const ModuleSummary facts = lazy.describe();
  EXPECT_TRUE(facts.has_symbols);
  EXPECT_TRUE(facts.has_debuginfo);
  EXPECT_EQ(facts.debug_file, std::string(kFixture) + ".debug");
  EXPECT_EQ(lazy.dwarf_inflated(), 0U);

  bool saw_inlined = false;
  expect_same_frames(lazy, plain, main_fn, saw_inlined);
  EXPECT_TRUE(saw_inlined) << "main's loop is inlined_hot, inlined: its frame names it with a line";
  const auto whole = LazyDwarf::open(std::string(kFixture) + ".debug");
  ASSERT_NE(whole, nullptr);
  const std::size_t for_main = lazy.dwarf_inflated();
  EXPECT_GT(for_main, 0U);
  EXPECT_LT(for_main, whole->full() / 3) << "main's unit comes first, the bulk's after it";

  // A unit further on: inflated then, with the same answers.
  expect_same_frames(lazy, plain, bulk_fn, saw_inlined);
  EXPECT_GT(lazy.dwarf_inflated(), for_main);
}

// The name alone (Symbolizer::Detail::function) is the function frames() gives last, the one a view
// that folds inlined code shows, and it costs no DWARF.
TEST(LazyDwarf, FunctionNamesNeedNoDwarf) {
  const Module lazy(kFixture);
  const Module plain(std::string(kFixture) + ".full");
  ASSERT_TRUE(lazy.ok());
  ASSERT_TRUE(plain.ok());
  for (const char* name : {"main", "bulk_fn_295"}) {
    const Span span = symbol(std::string(kFixture) + ".full", name);
    ASSERT_GT(span.size, 0U);
    for (std::uint64_t a = span.start; a < span.start + span.size; ++a) {
      const auto got = lazy.function_at(a);
      const auto want = plain.frames(a);
      ASSERT_EQ(got.size(), 1U) << "at 0x" << std::hex << a;
      ASSERT_FALSE(want.empty());
      EXPECT_EQ(got[0].function, want.back().function) << "at 0x" << std::hex << a;
      EXPECT_EQ(got[0].function, name);
      EXPECT_FALSE(got[0].inlined);
      EXPECT_TRUE(got[0].file.empty());
      EXPECT_EQ(got[0].module, kFixture);
      EXPECT_EQ(got[0].address, a);
    }
  }
  EXPECT_EQ(lazy.dwarf_inflated(), 0U);
}

TEST(LazyDwarf, LeavesUncompressedDwarfToLibdw) {
  EXPECT_EQ(LazyDwarf::open(std::string(kFixture) + ".full"), nullptr);
  EXPECT_EQ(LazyDwarf::open(kFixture), nullptr);  // no DWARF at all
  EXPECT_EQ(LazyDwarf::open("/nonexistent/file.debug"), nullptr);
}

// The file offset of a section's bytes (after its compression header when compressed); 0 when absent.
std::uint64_t section_data(const std::string& path, const char* name) {
  std::uint64_t out = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  elf_version(EV_CURRENT);
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  std::size_t shstrndx = 0;
  if (elf != nullptr && elf_getshdrstrndx(elf, &shstrndx) == 0) {
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
      GElf_Shdr shdr;
      if (gelf_getshdr(scn, &shdr) == nullptr) continue;
      const char* n = elf_strptr(elf, shstrndx, shdr.sh_name);
      if (n != nullptr && std::strcmp(n, name) == 0) {
        out = shdr.sh_offset + ((shdr.sh_flags & SHF_COMPRESSED) != 0 ? sizeof(Elf64_Chdr) : 0);
      }
    }
  }
  elf_end(elf);
  ::close(fd);
  return out;
}

// The deflate data is inflated raw, its zlib header checked by hand: a section whose header is not
// zlib's gives no unit, and no frames with lines, rather than garbage.
TEST(LazyDwarf, ASectionWithoutAZlibHeaderGivesNoUnit) {
  const std::string debug = std::string(kFixture) + ".debug";
  const Span main_fn = symbol(std::string(kFixture) + ".full", "main");
  ASSERT_GT(main_fn.size, 0U);
  const std::uint64_t at = section_data(debug, ".debug_info");
  ASSERT_GT(at, 0U);
  std::ifstream in(debug, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_LT(at + 2, bytes.size());
  std::string path = ::testing::TempDir() + "/lazy_dwarf_bad_header_XXXXXX";
  const int fd = ::mkstemp(path.data());
  ASSERT_GE(fd, 0);
  ::close(fd);
  Dwarf_Die cu;
  for (const char cmf : {'\x00', '\x88'}) {  // compression method 0; deflate with a 64 KiB window (zlib: 32)
    bytes[at] = cmf;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    const auto bad = LazyDwarf::open(path);
    ASSERT_NE(bad, nullptr) << ".debug_info is inflated only when a unit is looked up";
    EXPECT_FALSE(bad->cu_at(main_fn.start, cu));
    EXPECT_FALSE(bad->cu_at(main_fn.start, cu)) << "and stays so";
  }
  ::unlink(path.c_str());
  const auto good = LazyDwarf::open(debug);
  ASSERT_NE(good, nullptr);
  EXPECT_TRUE(good->cu_at(main_fn.start, cu));
}

TEST(LazyDwarf, AddressesNoUnitCoversHaveNoUnit) {
  const auto d = LazyDwarf::open(std::string(kFixture) + ".debug");
  ASSERT_NE(d, nullptr);
  Dwarf_Die cu;
  EXPECT_FALSE(d->cu_at(0, cu));
  EXPECT_FALSE(d->cu_at(~Dwarf_Addr{0}, cu));
  EXPECT_EQ(d->inflated() > 0, true);  // the small whole sections (.debug_aranges, strings)
}

}  // namespace
}  // namespace perfprobe::symbols
