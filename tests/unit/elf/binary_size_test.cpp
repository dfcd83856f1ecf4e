// The ELF reader on hand-made ELF32/ELF64, little- and big-endian objects, and on bad input.
#include "perfprobe/elf/binary_size.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "perfprobe/error.hpp"
#include "unit/elf/make_elf.hpp"

using perfprobe::elf::BinarySize;
using perfprobe::elf::measure_file;

namespace {

struct TempFile {
  std::string path;
  TempFile() {
    char tmpl[] = "/tmp/perfprobe-elf-XXXXXX";
    const int fd = mkstemp(tmpl);
    close(fd);
    path = tmpl;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

perfprobe::elf::SizeOptions no_libs() {
  perfprobe::elf::SizeOptions o;
  o.libraries = false;
  return o;
}

// readelf's view of the sections: name -> size.
std::map<std::string, std::uint64_t> readelf_sections(const std::string& path) {
  std::map<std::string, std::uint64_t> out;
  FILE* p = popen(("readelf -SW " + path + " 2>/dev/null").c_str(), "r");
  char line[512];
  while (p != nullptr && fgets(line, sizeof line, p) != nullptr) {
    std::string s(line);
    const auto close_bracket = s.find(']');
    if (s.find('[') == std::string::npos || close_bracket == std::string::npos || s.find("Nr]") != std::string::npos)
      continue;
    std::istringstream words(s.substr(close_bracket + 1));
    std::string name, type, addr, off, size;
    if (words >> name >> type >> addr >> off >> size) out[name] = std::stoull(size, nullptr, 16);
  }
  if (p != nullptr) pclose(p);
  return out;
}

struct Variant {
  int elf_class;
  int data;
  int machine;
  const char* class_name;
  const char* endian;
  const char* machine_name;
};

class ElfVariants : public ::testing::TestWithParam<Variant> {};

}  // namespace

TEST_P(ElfVariants, ReadsSectionsSymbolsAndStripContent) {
  const Variant v = GetParam();
  TempFile f;
  make_elf::Spec spec;
  spec.elf_class = v.elf_class;
  spec.data = v.data;
  spec.machine = v.machine;
  make_elf::write(f.path, spec);
  const BinarySize b = measure_file(f.path, no_libs());
  EXPECT_EQ(b.elf_class, v.class_name);
  EXPECT_EQ(b.endian, v.endian);
  EXPECT_EQ(b.machine, v.machine_name);
  EXPECT_EQ(b.type, "REL");
  std::map<std::string, const perfprobe::elf::SectionSize*> by_name;
  for (const auto& s : b.sections) by_name[s.name] = &s;
  ASSERT_TRUE(by_name.count(".text") && by_name.count(".bss") && by_name.count(".debug_info"));
  EXPECT_EQ(by_name[".text"]->file_bytes, 300U);
  EXPECT_EQ(by_name[".bss"]->file_bytes, 0U);
  EXPECT_EQ(by_name[".bss"]->vm_bytes, 4096U);
  EXPECT_TRUE(by_name[".debug_info"]->strip_removable);
  EXPECT_TRUE(by_name[".symtab"]->strip_removable);
  EXPECT_TRUE(by_name[".strtab"]->strip_removable);
  EXPECT_FALSE(by_name[".text"]->strip_removable);
  EXPECT_EQ(b.debug_bytes, 1000U);
  EXPECT_LT(b.stripped_bytes, b.file_bytes);
  // readelf agrees on every section's size, whatever the byte order.
  const auto theirs = readelf_sections(f.path);
  ASSERT_FALSE(theirs.empty());
  for (const auto& s : b.sections) {
    if (s.name.empty()) continue;
    ASSERT_TRUE(theirs.count(s.name)) << s.name;
    EXPECT_EQ(theirs.at(s.name), std::max(s.file_bytes, s.vm_bytes)) << s.name;
  }
  ASSERT_EQ(b.symbols.size(), 2U);
  EXPECT_EQ(b.symbols[0].name, "foo::bar()");
  EXPECT_EQ(b.symbols[0].mangled, "_ZN3foo3barEv");
  EXPECT_EQ(b.symbols[0].bytes, 200U);
  EXPECT_EQ(b.symbols[0].section, ".text");
  EXPECT_EQ(b.symbols[1].name, "small");
  EXPECT_EQ(b.symbol_table, ".symtab");
}

INSTANTIATE_TEST_SUITE_P(ClassesAndByteOrders, ElfVariants,
                         ::testing::Values(Variant{ELFCLASS64, ELFDATA2LSB, EM_X86_64, "ELF64", "little", "x86-64"},
                                           Variant{ELFCLASS32, ELFDATA2LSB, EM_386, "ELF32", "little", "i386"},
                                           Variant{ELFCLASS64, ELFDATA2MSB, EM_PPC64, "ELF64", "big", "PowerPC64"},
                                           Variant{ELFCLASS32, ELFDATA2MSB, EM_PPC, "ELF32", "big", "PowerPC"}));

TEST(MeasureFile, TopLimitsTheSymbolsButCountsAll) {
  TempFile f;
  make_elf::Spec spec;
  spec.functions = {{"a", 10}, {"b", 30}, {"c", 20}};
  make_elf::write(f.path, spec);
  auto o = no_libs();
  o.top_symbols = 2;
  const auto b = measure_file(f.path, o);
  ASSERT_EQ(b.symbols.size(), 2U);
  EXPECT_EQ(b.symbols[0].name, "b");
  EXPECT_EQ(b.symbols[1].name, "c");
  EXPECT_EQ(b.symbol_count, 3U);
}

TEST(MeasureFile, BadInputIsAUsageErrorNamingTheFile) {
  TempFile text;
  std::ofstream(text.path) << "hello, I am not an ELF file\n";
  TempFile empty;
  for (const std::string& path :
       {std::string("/nonexistent/perfprobe-x"), std::string("/tmp"), text.path, empty.path}) {
    try {
      (void)measure_file(path, no_libs());
      ADD_FAILURE() << path << " was accepted";
    } catch (const perfprobe::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(MeasureFile, TruncatedFilesAreRejectedOrReadSafely) {
  TempFile f;
  make_elf::write(f.path, make_elf::Spec{});
  std::ifstream in(f.path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int rejected = 0;
  for (std::size_t len = 1; len < bytes.size(); len += 7) {
    const std::vector<char> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    try {
      (void)perfprobe::elf::measure_memory("cut", cut, no_libs());
    } catch (const perfprobe::UsageError&) {
      ++rejected;
    }
  }
  // The section headers come last, so every cut before them is caught.
  EXPECT_GT(rejected, static_cast<int>(bytes.size() / 7) - 10);
}

TEST(SystemLibrarySearch, ReadsLdSoConfIncludesAndSplitsLdLibraryPath) {
  char tmpl[] = "/tmp/perfprobe-ldconf-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::system(("mkdir -p " + dir + "/conf.d").c_str());
  std::ofstream(dir + "/ld.so.conf") << "# comment\ninclude conf.d/*.conf\n/opt/first\n";
  std::ofstream(dir + "/conf.d/b.conf") << "/opt/b # trailing comment\n";
  std::ofstream(dir + "/conf.d/a.conf") << "/opt/a\n";
  const auto s = perfprobe::elf::system_library_search("/x:/y", dir + "/ld.so.conf");
  EXPECT_EQ(s.ld_library_path, (std::vector<std::string>{"/x", "/y"}));
  ASSERT_GE(s.system_dirs.size(), 4U);
  EXPECT_EQ(s.system_dirs[0], "/opt/a");
  EXPECT_EQ(s.system_dirs[1], "/opt/b");
  EXPECT_EQ(s.system_dirs[2], "/opt/first");
  EXPECT_NE(std::find(s.system_dirs.begin(), s.system_dirs.end(), "/usr/lib"), s.system_dirs.end());
  std::system(("rm -rf " + dir).c_str());
}
