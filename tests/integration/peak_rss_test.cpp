// The peak RSS perfprobe reports is the target's own: within kSpreadKiB of GNU time's figure for the same
// program, for a tiny one (/bin/true) and for one of a few MiB (touch_memory), never perfprobe's own size.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;

namespace {

// The program's own peak moves between runs, under GNU time and perfprobe alike (/bin/true: 964-1108 KiB
// in 20 runs of `/usr/bin/time -f %M` here), so medians of 5 may differ by that much. A pre-exec copy of
// perfprobe would add 1.4 MiB or more.
constexpr double kSpreadKiB = 160.0;

// GNU time's %M (KiB) for the command, the median of `n` runs.
double gnu_time_kib(const std::vector<std::string>& command, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> argv = {"/usr/bin/time", "-f", "%M"};
    argv.insert(argv.end(), command.begin(), command.end());
    const auto r = harness::run(argv);
    const auto last = r.err.find_last_of('\n', r.err.size() - 2);
    v.push_back(std::stod(r.err.substr(last == std::string::npos ? 0 : last + 1)));
  }
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double perfprobe_kib(const std::vector<std::string>& command, int n) {
  harness::TempDir dir;
  std::vector<std::string> argv = {perfprobe(),        "run", "-q", "-r", std::to_string(n), "--json",
                                   dir.file("r.json"), "--"};
  argv.insert(argv.end(), command.begin(), command.end());
  const auto r = harness::run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<double> v;
  const auto doc = harness::read_json(dir.file("r.json"));
  for (const auto& run : doc["runs"]) {
    v.push_back(run["peak_rss_bytes"].get<double>() / 1024);
  }
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

TEST(PeakRss, IsTheTargetsOwnForATinyProgram) {
  if (::access("/usr/bin/time", X_OK) != 0) GTEST_SKIP() << "GNU time is not installed";
  const double reference = gnu_time_kib({"/bin/true"}, 5);
  const double ours = perfprobe_kib({"/bin/true"}, 5);
  EXPECT_NEAR(ours, reference, kSpreadKiB) << "perfprobe " << ours << " KiB, GNU time " << reference << " KiB";
}

TEST(PeakRss, IsTheTargetsOwnForAFewMebibytes) {
  if (::access("/usr/bin/time", X_OK) != 0) GTEST_SKIP() << "GNU time is not installed";
  const std::vector<std::string> command = {fixture("touch_memory"), "4"};
  const double reference = gnu_time_kib(command, 5);
  const double ours = perfprobe_kib(command, 5);
  EXPECT_GT(reference, 4096.0);
  EXPECT_NEAR(ours, reference, kSpreadKiB) << "perfprobe " << ours << " KiB, GNU time " << reference << " KiB";
}
