// What a start of perfprobe loads: the libraries only some commands need (libpfm4, the HTTP module
// with OpenSSL behind it) are loaded when those commands need them and never otherwise
// (docs/architecture.md, "Loaded when needed"), and a missing module is a clear error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "integration/harness.hpp"

using harness::perfprobe;

namespace {

// The loader's own account of every file it opens (ld.so's LD_DEBUG=files), on stderr.
harness::Result loads(const std::vector<std::string>& argv) {
  harness::RunOptions o;
  o.env = {"LD_DEBUG=files"};
  return harness::run(argv, o);
}

bool loaded(const harness::Result& r, const std::string& soname) {
  return r.err.find("file=" + soname) != std::string::npos;
}

}  // namespace

TEST(Startup, OnlyWhatTheCommandNeedsIsLoaded) {
  const auto version = loads({perfprobe(), "--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  ASSERT_TRUE(loaded(version, "libc.so.6")) << "LD_DEBUG=files printed nothing: " << version.err.substr(0, 300);
  EXPECT_FALSE(loaded(version, "libpfm.so.4")) << version.err;
  EXPECT_FALSE(loaded(version, "perfprobe-http.so")) << version.err;
  EXPECT_FALSE(loaded(version, "libssl.so.3")) << version.err;

  // The default counters are perf's generic names: no libpfm4.
  const auto run = loads({perfprobe(), "run", "-q", "--", "true"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(loaded(run, "libpfm.so.4")) << run.err;
  EXPECT_FALSE(loaded(run, "libssl.so.3")) << run.err;

  // A PMU-qualified name goes through libpfm4, loaded then.
  const auto named = loads({perfprobe(), "run", "-q", "-e", "perf::task-clock", "--", "true"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_TRUE(loaded(named, "libpfm.so.4")) << named.err;
}

TEST(Startup, ServeWithoutItsModuleSaysWhatToInstall) {
  harness::TempDir dir;
  const std::string lonely = dir.file("perfprobe");
  std::filesystem::copy_file(perfprobe(), lonely);
  const auto r = harness::run({lonely, "attach", "-p", std::to_string(::getpid()), "--serve", "0", "--duration", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot load perfprobe-http.so"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: --serve needs perfprobe's HTTP module"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}
