// `perfprobe size` end to end: against GNU strip, readelf and ldd on real binaries, the diff, the
// output switches, bad input, and speed on a large library.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::run;
using nlohmann::json;

namespace {

json size_json(const std::vector<std::string>& args) {
  std::vector<std::string> argv{perfprobe(), "size", "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

bool sh(const std::string& command) { return std::system(command.c_str()) == 0; }

std::string real(const std::string& p) {
  std::error_code ec;
  const auto c = std::filesystem::canonical(p, ec);
  return ec ? p : c.string();
}

// Builds a small shared library and a program using it, with -g, in `dir`.
void build_program(const harness::TempDir& dir) {
  std::ofstream(dir.file("b.c")) << "int b_value(void) { return 42; }\n";
  std::ofstream(dir.file("a.c"))
      << "int b_value(void);\nstatic char table[20000] = {1};\nint a_value(int i) { return table[i] + b_value(); }\n";
  std::ofstream(dir.file("main.c"))
      << "#include <stdio.h>\nint a_value(int);\nint main(void) { printf(\"%d\\n\", a_value(0)); return 0; }\n";
  ASSERT_TRUE(sh("mkdir -p " + dir.file("lib/sub") + " && cd " + dir.path() +
                 " && gcc -g -shared -fPIC b.c -o lib/sub/libb.so"
                 " && gcc -g -shared -fPIC a.c -o lib/liba.so -Llib/sub -lb -Wl,--enable-new-dtags,-rpath,'$ORIGIN/sub'"
                 " && gcc -g main.c -o prog -Llib -la -Wl,--enable-new-dtags,-rpath,'$ORIGIN/lib'"));
}

}  // namespace

TEST(SizeCli, StrippedSizeIsWithinOnePercentOfGnuStrip) {
  harness::TempDir dir;
  build_program(dir);
  std::vector<std::string> files{perfprobe(),   fixture("spin"), dir.file("prog"), dir.file("lib/liba.so"),
                                 "/usr/bin/ls", "/bin/sh"};
  for (const char* lib : {"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"}) {
    if (file_size(lib) > 0) files.emplace_back(lib);
  }
  for (const auto& f : files) {
    const std::string copy = dir.file("stripped");
    ASSERT_TRUE(sh("cp '" + f + "' " + copy + " && strip " + copy)) << f;
    const auto j = size_json({"--no-libs", f});
    const double predicted = j["files"][0]["stripped_bytes"].get<double>();
    const double actual = static_cast<double>(file_size(copy));
    EXPECT_NEAR(predicted, actual, actual * 0.01) << f;
    EXPECT_EQ(j["files"][0]["file_bytes"].get<std::uint64_t>(), file_size(f)) << f;
  }
}

TEST(SizeCli, SectionsAgreeWithReadelf) {
  for (const std::string& f : {perfprobe(), fixture("spin"), std::string("/usr/bin/ls")}) {
    const auto j = size_json({"--no-libs", f});
    const auto r = run({"readelf", "-SW", f});
    ASSERT_EQ(r.exit_code, 0);
    std::map<std::string, std::uint64_t> theirs;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      const auto close = line.find(']');
      if (line.find('[') == std::string::npos || close == std::string::npos || line.find("Nr]") != std::string::npos ||
          line.find("[ 0]") != std::string::npos) {
        continue;
      }
      std::istringstream w(line.substr(close + 1));
      std::string name, type, addr, off, size;
      if (w >> name >> type >> addr >> off >> size) theirs[name] = std::stoull(size, nullptr, 16);
    }
    std::size_t compared = 0;
    for (const auto& s : j["files"][0]["sections"]) {
      const std::string name = s["name"];
      if (name.empty()) continue;
      ASSERT_TRUE(theirs.count(name)) << f << " " << name;
      const auto ours = std::max(s["file_bytes"].get<std::uint64_t>(), s["vm_bytes"].get<std::uint64_t>());
      EXPECT_EQ(ours, theirs[name]) << f << " " << name;
      ++compared;
    }
    EXPECT_EQ(compared, theirs.size()) << f;
  }
}

TEST(SizeCli, LibraryClosureMatchesLdd) {
  harness::TempDir dir;
  build_program(dir);
  for (const std::string& f : {dir.file("prog"), perfprobe(), std::string("/usr/bin/ls")}) {
    const auto j = size_json({f});
    std::set<std::string> ours;
    for (const auto& l : j["files"][0]["libraries"]) {
      EXPECT_TRUE(l["found"].get<bool>()) << f << " " << l["needed"];
      ours.insert(real(l["path"]));
    }
    const auto r = run({"ldd", f});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> theirs;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream w(line);
      std::string first, arrow, path;
      w >> first >> arrow >> path;
      if (arrow == "=>")
        theirs.insert(real(path));
      else if (first.front() == '/')
        theirs.insert(real(first));  // the interpreter
    }
    EXPECT_EQ(ours, theirs) << f;
  }
  // $ORIGIN in RUNPATH was followed, twice.
  const auto j = size_json({dir.file("prog")});
  std::uint64_t sum = j["files"][0]["file_bytes"];
  for (const auto& l : j["files"][0]["libraries"]) sum += l["file_bytes"].get<std::uint64_t>();
  EXPECT_EQ(j["files"][0]["closure_bytes"].get<std::uint64_t>(), sum);
}

TEST(SizeCli, DiffShowsGrowthBySectionAndSymbolAgainstABinaryOrItsJson) {
  harness::TempDir dir;
  std::ofstream(dir.file("old.c")) << "char big[1000] = {1};\nint main(void) { return big[0]; }\n";
  std::ofstream(dir.file("new.c")) << "char big[5000] = {1};\nint extra(int x) { return x * 3 + big[x]; }\n"
                                      "int main(void) { return big[0] + extra(1); }\n";
  ASSERT_TRUE(sh("cd " + dir.path() + " && gcc -O1 old.c -o old && gcc -O1 new.c -o new"));
  const auto r = run({perfprobe(), "size", "--top", "0", "--json", dir.file("old")});
  ASSERT_EQ(r.exit_code, 0);
  std::ofstream(dir.file("old.json")) << r.out;
  for (const std::string& old : {dir.file("old"), dir.file("old.json")}) {
    const auto d = size_json({dir.file("new"), "--diff", old})["diff"];
    std::map<std::string, json> syms;
    for (const auto& s : d["symbols"]) syms[s["name"]] = s;
    ASSERT_TRUE(syms.count("big")) << d.dump();
    EXPECT_EQ(syms["big"]["file_delta_bytes"], 4000);
    ASSERT_TRUE(syms.count("extra"));
    EXPECT_EQ(syms["extra"]["status"], "added");
    bool data_grew = false;
    for (const auto& s : d["sections"])
      data_grew = data_grew || (s["name"] == ".data" && s["file_delta_bytes"].get<int>() >= 4000);
    EXPECT_TRUE(data_grew) << d["sections"].dump();
    EXPECT_GT(d["file"]["file_delta_bytes"].get<int>(), 0);
  }
  const auto text = run({perfprobe(), "size", dir.file("new"), "--diff", dir.file("old")});
  EXPECT_NE(text.out.find("big"), std::string::npos);
  EXPECT_NE(text.out.find("+3.9 KiB"), std::string::npos) << text.out;
}

// A build that links one more library: the diff names it with its size, also against the old JSON;
// symbol rows leave the memory column empty rather than printing "0 B".
TEST(SizeCli, DiffIncludesTheLibraryClosure) {
  harness::TempDir dir;
  std::ofstream(dir.file("p.c")) << "int main(void) { return 0; }\n";
  ASSERT_TRUE(sh("cd " + dir.path() + " && gcc -O1 p.c -o old && gcc -O1 p.c -o new -Wl,--no-as-needed -lm"));
  const auto r = run({perfprobe(), "size", "--top", "0", "--json", dir.file("old")});
  ASSERT_EQ(r.exit_code, 0);
  std::ofstream(dir.file("old.json")) << r.out;
  for (const std::string& old : {dir.file("old"), dir.file("old.json")}) {
    const auto d = size_json({dir.file("new"), "--diff", old})["diff"];
    ASSERT_TRUE(d.contains("libraries")) << d.dump();
    bool libm = false;
    for (const auto& l : d["libraries"])
      libm = libm || (l["name"] == "libm.so.6" && l["status"] == "added" && l["file_delta_bytes"].get<int>() > 100000);
    EXPECT_TRUE(libm) << d["libraries"].dump();
    EXPECT_GT(d["closure"]["file_delta_bytes"].get<int>(), 100000);
  }
  const auto text = run({perfprobe(), "size", dir.file("new"), "--diff", dir.file("old")});
  EXPECT_NE(text.out.find("libm.so.6"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(added)"), std::string::npos) << text.out;
  std::istringstream lines(text.out);
  bool in_symbols = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  symbols") == 0 || line.find("  libraries") == 0) in_symbols = true;
    if (in_symbols) {
      EXPECT_EQ(line.find("0 B  "), std::string::npos) << line;
    }
  }
}

TEST(SizeCli, TableByDefaultJsonAndCsvOnRequest) {
  const auto table = run({perfprobe(), "size", fixture("spin")});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("after strip"), std::string::npos);
  EXPECT_NE(table.out.find(".text"), std::string::npos);
  EXPECT_NE(table.out.find("hot_loop"), std::string::npos);
  EXPECT_NE(table.out.find("libc.so.6"), std::string::npos);
  const auto csv = run({perfprobe(), "size", "--csv", fixture("spin"), fixture("exit_with")});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.rfind("file,kind,name,file_bytes,vm_bytes,detail\n", 0), 0U);
  EXPECT_NE(csv.out.find(",section,.text,"), std::string::npos);
  EXPECT_NE(csv.out.find(fixture("exit_with") + ",stripped,"), std::string::npos);
  const auto j = size_json({fixture("spin"), fixture("exit_with")});
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["files"].size(), 2U);
  for (const char* k : {"path", "elf_class", "endian", "type", "machine", "file_bytes", "stripped_bytes",
                        "strip_removable_bytes", "debug_bytes", "symtab_bytes", "vm_bytes", "sections", "segments",
                        "symbols", "needed", "libraries", "closure_bytes"}) {
    EXPECT_TRUE(j["files"][0].contains(k)) << k;
  }
  EXPECT_EQ(run({perfprobe(), "size", "--json", "--csv", fixture("spin")}).exit_code, 2);
  EXPECT_EQ(run({perfprobe(), "size"}).exit_code, 2);
}

TEST(SizeCli, BadInputExits2WithOneClearLine) {
  harness::TempDir dir;
  std::ofstream(dir.file("text.txt")) << "just some text\n";
  for (const std::string& f : {dir.file("missing"), dir.path(), dir.file("text.txt")}) {
    const auto r = run({perfprobe(), "size", f});
    EXPECT_EQ(r.exit_code, 2) << f;
    EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(f), std::string::npos) << r.err;
  }
}

TEST(SizeCli, TruncatedAndMutatedBinariesNeverCrashOrHang) {
  harness::TempDir dir;
  const std::string src = fixture("exit_with");
  std::ifstream in(src, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 1000U);
  std::mt19937 rng(1234);
  harness::RunOptions quick;
  quick.timeout_s = 10;
  int rejected = 0;
  for (int i = 0; i < 40; ++i) {  // truncations at lengths spread over the file, then mutations
    std::string data = bytes;
    if (i < 20) {
      data.resize(static_cast<std::size_t>(1 + (bytes.size() - 2) * static_cast<std::size_t>(i) / 20));
    } else {
      for (int k = 0; k < 8; ++k) data[rng() % data.size()] = static_cast<char>(rng());
    }
    std::ofstream(dir.file("bad"), std::ios::binary | std::ios::trunc) << data;
    const auto r = run({perfprobe(), "size", dir.file("bad")}, quick);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << "case " << i << ": exit " << r.exit_code << "\n" << r.err;
    if (r.exit_code == 2) {
      ++rejected;
      EXPECT_NE(r.err.find("perfprobe: error: "), std::string::npos) << r.err;
    }
  }
  EXPECT_GE(rejected, 20);  // every truncation is caught
}

TEST(SizeCli, LargeSharedLibraryTakesWellUnderASecond) {
  std::string biggest;
  std::uint64_t best = 0;
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu", "/usr/lib"}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (!e.is_regular_file(ec) || e.path().string().find(".so") == std::string::npos) continue;
      if (e.file_size(ec) > best) {
        best = e.file_size(ec);
        biggest = e.path().string();
      }
    }
  }
  if (best < 50'000'000) GTEST_SKIP() << "no shared library of 50 MB or more here (largest: " << biggest << ")";
  const auto start = std::chrono::steady_clock::now();
  const auto r = run({perfprobe(), "size", biggest});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The bound is generous for a loaded machine and sanitizer builds; release takes ~0.15 s on 110 MB.
  EXPECT_LT(s, 2.0) << biggest << " (" << best << " bytes)";
  std::cerr << "size of " << biggest << " (" << best / 1000000 << " MB): " << s << " s\n";
}
