// What ends an attach besides its duration, and TTFT per request: --until SPEC/N counts exactly N hits,
// --until and --duration end it whichever comes first, a --drive client's end ends it and a failing
// client fails it; the target runs on in every case. --request gives each request's time to its first
// token on a fixture whose requests wait a known 20 ms before their first token, under run and attach.
#include <gtest/gtest.h>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::Running;
using nlohmann::json;

namespace {

json attach_json(const Running& target, const std::vector<std::string>& args, harness::Result* r) {
  harness::TempDir dir;
  std::vector<std::string> argv{perfprobe(), "attach", "-p", target.pid(), "--json", dir.file("a.json")};
  argv.insert(argv.end(), args.begin(), args.end());
  *r = harness::run(argv);
  return harness::read_json(dir.file("a.json"))["runs"][0];
}

std::uint64_t count(const json& run, const std::string& key) {
  return run["markers"].contains(key) ? run["markers"][key]["count"].get<std::uint64_t>() : 0;
}

}  // namespace

TEST(AttachUntil, EndsAtTheNthHitAndCountsExactlyThatMany) {
  if (!harness::is_root()) GTEST_SKIP() << "USDT needs root";
  const Running target({fixture("usdt_burn"), "0"});
  harness::Result r;
  const json run = attach_json(
      target, {"--until", "usdt:burn:token/100", "--duration", "30s", "--tokens", "usdt:burn:token", "-q"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count(run, "burn:token"), 100u) << run["markers"].dump();
  EXPECT_EQ(run["tokens"]["count"].get<std::uint64_t>(), 100u);
  EXPECT_EQ(run["ended_by"], "until");
  EXPECT_EQ(run["until"], "usdt:burn:token/100");
  EXPECT_LT(run["wall_ms"].get<double>(), 20000.0);
  EXPECT_TRUE(target.alive()) << "attach must never stop its target";

  const json tokens = attach_json(target, {"--until", "tokens:7", "--tokens", "usdt:burn:token", "-q"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tokens["tokens"]["count"].get<std::uint64_t>(), 7u);
  EXPECT_EQ(tokens["ended_by"], "until");
  EXPECT_TRUE(target.alive());
}

TEST(AttachUntil, TheDurationEndsItWhenTheSpecDoesNotFireFirst) {
  const Running target({fixture("usdt_burn"), "0"});
  harness::Result r;  // without root the probe is unavailable and never fires: the duration ends it all the same
  const json run =
      attach_json(target, {"--until", "usdt:burn:token/100000000", "--duration", "300ms", "--no-counters"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(run["ended_by"], "duration");
  EXPECT_FALSE(run.contains("until"));
  EXPECT_GE(run["wall_ms"].get<double>(), 299.0);
  EXPECT_NE(r.err.find("window ended         after --duration"), std::string::npos) << r.err;
  EXPECT_TRUE(target.alive());
}

TEST(AttachUntil, ADurationOrAMarkIsAUsageError) {
  const Running target({fixture("spin"), "60000"});
  auto r = harness::run({perfprobe(), "attach", "-p", target.pid(), "--until", "5s"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--duration 5s"), std::string::npos) << r.err;
  r = harness::run({perfprobe(), "attach", "-p", target.pid(), "--until", "mark:done", "--duration", "1s"});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // a running program's marks are never seen: it would never fire
  EXPECT_NE(r.err.find("--until mark:done"), std::string::npos) << r.err;
}

TEST(AttachDrive, AFailingClientFailsTheAttachWithItsStatusAndTheTargetRunsOn) {
  const Running target({fixture("spin"), "60000"});
  harness::Result r;
  const json run = attach_json(target, {"--drive", "sh -c \"exit 3\"", "--duration", "30s", "--no-counters"}, &r);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(run["drive"]["exit_code"], 3);
  EXPECT_TRUE(run["drive"]["finished"].get<bool>());
  EXPECT_EQ(run["ended_by"], "drive");
  EXPECT_FALSE(run.contains("stopped")) << "nothing was sent to the target";
  EXPECT_LT(run["wall_ms"].get<double>(), 20000.0);
  EXPECT_NE(r.err.find("exit status 3"), std::string::npos) << r.err;
  EXPECT_TRUE(target.alive()) << "attach must never stop its target";
}

TEST(Requests, EachRequestsTimeToItsFirstTokenUnderRun) {
  if (!harness::is_root()) GTEST_SKIP() << "USDT needs root";
  harness::TempDir dir;
  const auto r = harness::run({perfprobe(), "run", "--request", "usdt:srv:request", "--tokens", "usdt:srv:token",
                               "--json", dir.file("r.json"), "--", fixture("request_server"), "5", "20", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json q = harness::read_json(dir.file("r.json"))["runs"][0]["requests"];
  EXPECT_EQ(q["count"], 5);
  EXPECT_EQ(q["answered"], 5);
  ASSERT_EQ(q["ttft_per_request_ms"].size(), 5u) << q.dump();
  for (const auto& t : q["ttft_per_request_ms"]) EXPECT_GE(t.get<double>(), 19.9) << q.dump();  // never less
  EXPECT_GE(q["ttft_ms"]["p50"].get<double>(), 19.9);
  EXPECT_LT(q["ttft_ms"]["p50"].get<double>(), 35.0) << q.dump();  // a loaded machine oversleeps, not by 15 ms
  EXPECT_GE(q["ttft_ms"]["max"].get<double>(), q["ttft_ms"]["p95"].get<double>());
  EXPECT_NE(r.err.find("5 of 5 requests answered, p50 "), std::string::npos) << r.err;
}

TEST(Requests, AttachToARunningServerUntilItsFourthRequest) {
  if (!harness::is_root()) GTEST_SKIP() << "USDT needs root";
  const Running server({fixture("request_server"), "0", "20", "3"});
  harness::Result r;
  const json run = attach_json(server,
                               {"--request", "usdt:srv:request", "--tokens", "usdt:srv:token", "--until",
                                "usdt:srv:request/4", "--duration", "30s", "-q"},
                               &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json& q = run["requests"];
  EXPECT_EQ(q["count"], 4);     // the window ends at the 4th
  EXPECT_EQ(q["answered"], 3);  // whose first token comes after the window
  for (const auto& t : q["ttft_per_request_ms"]) {
    EXPECT_GE(t.get<double>(), 19.9) << q.dump();
    EXPECT_LT(t.get<double>(), 60.0) << q.dump();
  }
  EXPECT_TRUE(server.alive());
}
