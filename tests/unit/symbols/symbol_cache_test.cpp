// The symbol cache: its file round-trips, anything but a well-formed entry for the same build-id,
// fingerprint and version is a miss, files another user could have written are refused, and a
// Symbolizer answers from it without opening the module's DWARF again.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "perfprobe/symbols/symbolizer.hpp"
#include "perfprobe/sys/private_file.hpp"
#include "symbols/symbol_cache.hpp"

extern "C" __attribute__((noinline)) int perfprobe_symbol_cache_target(int x) { return x * 5 + 3; }

namespace perfprobe::symbols {
namespace {

namespace fs = std::filesystem;

constexpr char kBuildId[] = "0123456789abcdef0123456789abcdef01234567";

CachedModule sample_entry() {
  CachedModule m;
  m.fingerprint = "/bin/x|1:2:3:4.5";
  m.facts = ModuleFacts{true, true, "/usr/lib/debug/x.debug"};
  FrameInfo inlined{"inner", "/src/a.h", 12, {}, 0, true};
  FrameInfo outer{"outer(int)", "/src/a.c", 40, {}, 0, false};
  m.frames[0x1234] = {inlined, outer};
  m.frames[0x2000] = {FrameInfo{"[x]", "", 0, {}, 0, false}};
  return m;
}

void expect_same(const CachedModule& a, const CachedModule& b) {
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.facts, b.facts);
  ASSERT_EQ(a.frames.size(), b.frames.size());
  for (const auto& [addr, frames] : a.frames) {
    const auto it = b.frames.find(addr);
    ASSERT_NE(it, b.frames.end()) << addr;
    ASSERT_EQ(frames.size(), it->second.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      EXPECT_EQ(frames[i].function, it->second[i].function);
      EXPECT_EQ(frames[i].file, it->second[i].file);
      EXPECT_EQ(frames[i].line, it->second[i].line);
      EXPECT_EQ(frames[i].inlined, it->second[i].inlined);
    }
  }
}

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "perfprobe-cache-test-XXXXXX").string();
    path = ::mkdtemp(t.data()) != nullptr ? t : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SymbolCache, EncodedEntryDecodesToTheSame) {
  const auto m = sample_entry();
  const auto back = decode_cached_module(encode_cached_module(kBuildId, m), kBuildId, m.fingerprint);
  ASSERT_TRUE(back.has_value());
  expect_same(m, *back);
  CachedModule no_facts = m;
  no_facts.facts.reset();
  const auto back2 = decode_cached_module(encode_cached_module(kBuildId, no_facts), kBuildId, m.fingerprint);
  ASSERT_TRUE(back2.has_value());
  EXPECT_FALSE(back2->facts.has_value());
}

TEST(SymbolCache, OtherVersionBuildIdOrFingerprintIsAMiss) {
  const auto m = sample_entry();
  const std::string text = encode_cached_module(kBuildId, m);
  EXPECT_FALSE(decode_cached_module(text, "ffff", m.fingerprint).has_value());
  EXPECT_FALSE(decode_cached_module(text, kBuildId, m.fingerprint + "x").has_value());
  std::string other = text;
  const std::string v = "\"version\":" + std::to_string(kSymbolCacheVersion);
  ASSERT_NE(other.find(v), std::string::npos);
  other.replace(other.find(v), v.size(), "\"version\":" + std::to_string(kSymbolCacheVersion + 1));
  EXPECT_FALSE(decode_cached_module(other, kBuildId, m.fingerprint).has_value());
}

TEST(SymbolCache, CorruptFilesAreMisses) {
  const auto m = sample_entry();
  const std::string text = encode_cached_module(kBuildId, m);
  for (std::size_t cut = 0; cut < text.size(); cut += 7) {
    EXPECT_FALSE(decode_cached_module(text.substr(0, cut), kBuildId, m.fingerprint).has_value()) << cut;
  }
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
    return decode_cached_module(t, kBuildId, m.fingerprint);
  };
  EXPECT_FALSE(with("12,true", "-1,true").has_value());      // negative line
  EXPECT_FALSE(with("12,true", "\"12\",true").has_value());  // line as a string
  EXPECT_FALSE(with("\"inner\"", "7").has_value());          // function as a number
  EXPECT_FALSE(with("\"has_symbols\":true", "\"has_symbols\":1").has_value());
  EXPECT_FALSE(with("\"addresses\":[", "\"addresses\":[[1,[]],").has_value());  // no frames
  EXPECT_FALSE(decode_cached_module("[]", kBuildId, m.fingerprint).has_value());
  EXPECT_FALSE(decode_cached_module(std::string(1000, '['), kBuildId, m.fingerprint).has_value());
  EXPECT_FALSE(valid_build_id("../etc/passwd"));
  EXPECT_FALSE(valid_build_id("ABCDEF"));
  EXPECT_TRUE(valid_build_id(kBuildId));
}

TEST(SymbolCache, StoresPrivateFilesAndReadsThemBack) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const SymbolCache cache(dir.path + "/a/b");
  const auto m = sample_entry();
  ASSERT_TRUE(cache.store(kBuildId, m));
  struct stat st {};
  ASSERT_EQ(::stat((dir.path + "/a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
  const std::string file = dir.path + "/a/b/" + kBuildId + ".json";
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  const auto back = cache.load(kBuildId, m.fingerprint);
  ASSERT_TRUE(back.has_value());
  expect_same(m, *back);
  EXPECT_FALSE(cache.load(kBuildId, "another fingerprint").has_value());
  EXPECT_FALSE(SymbolCache("").load(kBuildId, m.fingerprint).has_value());
  EXPECT_FALSE(SymbolCache("").store(kBuildId, m));
}

TEST(SymbolCache, RefusesFilesOthersCouldHaveWritten) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const SymbolCache cache(dir.path);
  const auto m = sample_entry();
  ASSERT_TRUE(cache.store(kBuildId, m));
  const std::string file = dir.path + "/" + kBuildId + ".json";
  const std::string text = slurp(file);

  ASSERT_EQ(::chmod(file.c_str(), 0666), 0);  // world-writable
  EXPECT_FALSE(cache.load(kBuildId, m.fingerprint).has_value());
  ASSERT_EQ(::chmod(file.c_str(), 0620), 0);  // group-writable
  EXPECT_FALSE(cache.load(kBuildId, m.fingerprint).has_value());
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  EXPECT_TRUE(cache.load(kBuildId, m.fingerprint).has_value());

  // A symbolic link to a valid entry is not followed.
  const std::string elsewhere = dir.path + "/elsewhere.json";
  fs::rename(file, elsewhere);
  fs::create_symlink(elsewhere, file);
  EXPECT_FALSE(cache.load(kBuildId, m.fingerprint).has_value());
  fs::remove(file);
  fs::rename(elsewhere, file);

  if (::geteuid() != 0) GTEST_SKIP() << "giving the file to another user needs root";
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);  // nobody's, mode 0600: well-formed but not ours
  EXPECT_FALSE(cache.load(kBuildId, m.fingerprint).has_value());
  EXPECT_FALSE(sys::read_private_file(file, 1 << 20).has_value());
  ASSERT_EQ(::chown(file.c_str(), 0, 0), 0);
  EXPECT_TRUE(cache.load(kBuildId, m.fingerprint).has_value());
  EXPECT_FALSE(sys::read_private_file(file, text.size() - 1).has_value()) << "larger than allowed";
}

std::string self_path() { return fs::read_symlink("/proc/self/exe").string(); }

// This test binary's own function, module-relative (what the resolver asks the symbolizer).
std::uint64_t target_address(Symbolizer& sym) {
  const auto fn = reinterpret_cast<std::uintptr_t>(&perfprobe_symbol_cache_target);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::uint64_t start = 0, end = 0, pgoff = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %7s %lx", &start, &end, perms, &pgoff) != 4) continue;
    if (fn < start || fn >= end) continue;
    return sym.file_address(self_path(), start, pgoff, fn).value_or(0);
  }
  return 0;
}

TEST(SymbolCache, SymbolizerAnswersFromTheCacheTheSecondTime) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string self = self_path();
  std::vector<FrameInfo> first;
  ModuleSummary described;
  {
    Symbolizer sym(dir.path);
    const auto at = target_address(sym);
    ASSERT_NE(at, 0U);
    first = sym.frames(self, at, false);
    described = sym.describe(self);
    sym.save_cache();
  }
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.back().function, "perfprobe_symbol_cache_target");
  const std::string file = dir.path + "/" + described.build_id + ".json";
  const std::string text = slurp(file);
  ASSERT_NE(text.find("perfprobe_symbol_cache_target"), std::string::npos) << text;

  // The same answers from the cache; a planted name in a valid entry shows that it was read.
  std::string planted = text;
  planted.replace(planted.find("perfprobe_symbol_cache_target"), 29, "perfprobe_symbol_cache_CACHED");
  ASSERT_TRUE(sys::write_private_file(file, planted));
  {
    Symbolizer sym(dir.path);
    const auto again = sym.frames(self, target_address(sym), false);
    ASSERT_EQ(again.size(), first.size());
    EXPECT_EQ(again.back().function, "perfprobe_symbol_cache_CACHED");
    EXPECT_EQ(again.back().file, first.back().file);
    EXPECT_EQ(again.back().line, first.back().line);
    EXPECT_EQ(again.back().module, first.back().module);
    EXPECT_EQ(again.back().address, first.back().address);
    const auto d = sym.describe(self);
    EXPECT_EQ(d.build_id, described.build_id);
    EXPECT_EQ(d.has_debuginfo, described.has_debuginfo);
    EXPECT_EQ(d.debug_file, described.debug_file);
  }
  // Without the cache, and with a corrupt file, the module itself answers.
  Symbolizer uncached;
  EXPECT_EQ(uncached.frames(self, target_address(uncached), false).back().function, "perfprobe_symbol_cache_target");
  ASSERT_TRUE(sys::write_private_file(file, planted.substr(0, planted.size() / 2)));
  Symbolizer sym(dir.path);
  EXPECT_EQ(sym.frames(self, target_address(sym), false).back().function, "perfprobe_symbol_cache_target");
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

TEST(SymbolCache, DefaultDirectoryFollowsXdgAndCanBeTurnedOff) {
  const ScopedEnv xdg("XDG_CACHE_HOME", "/x/cache");
  const ScopedEnv off("PERFPROBE_CACHE", nullptr);
  const ScopedEnv home("HOME", "/home/u");
  EXPECT_EQ(default_symbol_cache_dir(), "/x/cache/perfprobe/symbols");
  ::setenv("PERFPROBE_CACHE", "0", 1);
  EXPECT_EQ(default_symbol_cache_dir(), "");
  ::unsetenv("PERFPROBE_CACHE");
  ::setenv("XDG_CACHE_HOME", "relative", 1);
  EXPECT_EQ(default_symbol_cache_dir(), "/home/u/.cache/perfprobe/symbols");
}

}  // namespace
}  // namespace perfprobe::symbols
