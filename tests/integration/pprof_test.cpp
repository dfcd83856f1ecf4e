// `report --pprof`: the file is gzip, and Google's own reader (`go tool pprof -top`) lists the same
// top functions as `report --json` (that assertion is skipped, saying so, where Go is absent).
#include <gtest/gtest.h>

#include <sstream>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

bool have_go() { return harness::run({"go", "version"}).exit_code == 0; }

// Function names of `go tool pprof -top` rows, in its order (flat, i.e. self, descending).
std::vector<std::string> pprof_top(const std::string& text) {
  std::vector<std::string> names;
  std::istringstream in(text);
  bool table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("flat%") != std::string::npos) {
      table = true;
      continue;
    }
    if (!table || line.empty()) continue;
    std::istringstream row(line);
    std::string flat, flat_pct, sum_pct, cum, cum_pct, name;
    row >> flat >> flat_pct >> sum_pct >> cum >> cum_pct;
    std::getline(row >> std::ws, name);
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

}  // namespace

TEST(Pprof, GoToolPprofListsTheSameTopFunctionsAsReport) {
  harness::TempDir dir;
  const auto rec =
      harness::run({perfprobe(), "record", "-q", "-o", dir.file("p.data"), "--", fixture("hot_split"), "400"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const auto rep = harness::run({perfprobe(), "report", "--json", "--pprof", dir.file("p.pb.gz"), dir.file("p.data")});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const json r = json::parse(rep.out);
  const std::string gz = harness::read_text(dir.file("p.pb.gz"));
  ASSERT_GT(gz.size(), 100U);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1fU) << "gzip magic";
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8bU);
  if (!have_go()) GTEST_SKIP() << "go is not installed (scripts/install-deps.sh --test): go tool pprof not run";

  harness::RunOptions go_env;
  go_env.env = {"HOME=" + dir.path(), "PPROF_TMPDIR=" + dir.path()};
  const auto top = harness::run({"go", "tool", "pprof", "-top", "-nodecount=5", dir.file("p.pb.gz")}, go_env);
  ASSERT_EQ(top.exit_code, 0) << top.err;
  const auto names = pprof_top(top.out);
  ASSERT_GE(names.size(), 2U) << top.out;
  EXPECT_EQ(names[0], r["functions"][0]["name"].get<std::string>()) << top.out;
  EXPECT_EQ(names[1], r["functions"][1]["name"].get<std::string>()) << top.out;
  EXPECT_NE(top.out.find("Type: cpu"), std::string::npos) << top.out;
}

TEST(Pprof, UnwritablePathIsAUsageErrorBeforeAnyWork) {
  harness::TempDir dir;
  const auto rep = harness::run({perfprobe(), "report", "--pprof", "/nonexistent-dir/p.pb.gz", dir.file("p.data")});
  EXPECT_EQ(rep.exit_code, 2) << rep.err;
  EXPECT_NE(rep.err.find("--pprof"), std::string::npos) << rep.err;
}
