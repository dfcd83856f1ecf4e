// Servers under `run`: readiness from the target's own port (listen, tcp, http) on a fixture that binds
// at once and answers HTTP only after a 200 ms "load".
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::run;
using nlohmann::json;

namespace {

// A port that was free a moment ago (the kernel's pick for port 0).
int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    std::abort();
  }
  close(s);
  return ntohs(a.sin_port);
}

double startup_ms(const std::string& ready, int port, harness::Result* r) {
  harness::TempDir dir;
  *r = run({perfprobe(), "run", "-q", "--json", dir.file("r.json"), "--ready", ready, "--", fixture("http_server"),
            std::to_string(port), "200", "400"});
  const json j = harness::read_json(dir.file("r.json"));
  const json& s = j["runs"][0]["startup_ms"];
  return s.is_number() ? s.get<double>() : -1;
}

}  // namespace

TEST(ServerReadiness, HttpWaitsForTheAnswerWhileListenAndTcpSeeTheEarlyBind) {
  harness::Result r;
  const int port = free_port();
  const double listen = startup_ms("listen:" + std::to_string(port), port, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double tcp = startup_ms("tcp:" + std::to_string(port), port, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double http = startup_ms("http:" + std::to_string(port) + "/health", port, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("served 1"), std::string::npos) << "one request, answered once loaded: " << r.err;
  ASSERT_GE(listen, 0);
  ASSERT_GE(tcp, 0);
  EXPECT_LT(listen, 150);
  EXPECT_LT(tcp, 150);
  EXPECT_GE(http, 200);  // the answer comes after the load, never before
  EXPECT_LT(http, 400);
  EXPECT_GT(http - listen, 120);
}

TEST(ServerReadiness, BadHttpAndTcpSpecsAreUsageErrors) {
  for (const char* bad : {"http:", "http:0", "http:99999", "tcp:x", "http:80/a b"}) {
    const auto r = run({perfprobe(), "run", "--ready", bad, "--", "true"});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
  }
  const auto r = run({perfprobe(), "run", "--tokens", "http:8080", "--", "true"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

namespace {

json run_server(const std::vector<std::string>& opts, int port, int lifetime_ms, harness::Result* r) {
  harness::TempDir dir;
  std::vector<std::string> argv{perfprobe(), "run", "-q", "--json", dir.file("r.json")};
  argv.insert(argv.end(), opts.begin(), opts.end());
  argv.insert(argv.end(), {"--", fixture("http_server"), std::to_string(port), "200", std::to_string(lifetime_ms)});
  harness::RunOptions opt;
  opt.timeout_s = 30;
  *r = run(argv, opt);
  return harness::read_json(dir.file("r.json"));
}

}  // namespace

TEST(ServerStop, StopAfterReadyMakesRepeatedRunsOfAServerComplete) {
  harness::Result r;
  const int port = free_port();
  const auto t0 = std::chrono::steady_clock::now();
  const json j =
      run_server({"-r", "5", "--ready", "http:" + std::to_string(port), "--stop-after", "ready"}, port, 20000, &r);
  const double took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(j["runs"].size(), 5u);
  for (const auto& run : j["runs"]) {
    EXPECT_EQ(run["stopped"]["by"], "--stop-after ready");
    EXPECT_EQ(run["stopped"]["signals"], json::array({"SIGTERM"}));
    EXPECT_EQ(run["signal_name"], "SIGTERM");
    EXPECT_GE(run["startup_ms"].get<double>(), 200);
    EXPECT_LT(run["wall_ms"].get<double>(), 2000);
  }
  EXPECT_LT(took_s, 15) << "each run ends at readiness, not at the server's 20 s lifetime";
}

TEST(ServerStop, TimeoutFailsTheRunAndDurationStopsIt) {
  harness::Result r;
  const int port = free_port();
  json j = run_server({"--timeout", "300ms"}, port, 20000, &r);
  EXPECT_EQ(r.exit_code, 124) << r.err;
  EXPECT_TRUE(j["runs"][0]["stopped"]["timed_out"].get<bool>());
  EXPECT_EQ(j["runs"][0]["stopped"]["by"], "--timeout 300ms");
  EXPECT_GE(j["runs"][0]["wall_ms"].get<double>(), 290);
  EXPECT_LT(j["runs"][0]["wall_ms"].get<double>(), 2000);
  j = run_server({"--stop-after", "250ms"}, port, 20000, &r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(j["runs"][0]["stopped"]["timed_out"].get<bool>());
  EXPECT_GE(j["runs"][0]["wall_ms"].get<double>(), 240);
}

TEST(ServerStop, SigkillAfterTheGraceWhenSigtermIsIgnored) {
  harness::TempDir dir;
  harness::RunOptions opt;
  opt.timeout_s = 30;
  const auto r = run({perfprobe(), "run", "-q", "--json", dir.file("r.json"), "--stop-after", "100ms", "--", "sh", "-c",
                      "trap '' TERM; exec sleep 20"},
                     opt);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("r.json"));
  EXPECT_EQ(j["runs"][0]["stopped"]["signals"], json::array({"SIGTERM", "SIGKILL"}));
  EXPECT_GE(j["runs"][0]["wall_ms"].get<double>(), 3000);  // the grace period
  EXPECT_LT(j["runs"][0]["wall_ms"].get<double>(), 8000);
}

TEST(ServerDrive, ClientRunsOnceReadyIsTimedAndItsStatusCounts) {
  harness::Result r;
  const int port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  json j = run_server(
      {"--ready", "http:" + std::to_string(port), "--drive", "for i in 1 2 3; do curl -sf " + url + " || exit 9; done"},
      port, 20000, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json& run0 = j["runs"][0];
  EXPECT_EQ(run0["drive"]["exit_code"], 0);
  EXPECT_TRUE(run0["drive"]["finished"].get<bool>());
  EXPECT_EQ(run0["stopped"]["by"], "--drive");
  ASSERT_EQ(run0["phases"].size(), 1u);
  EXPECT_EQ(run0["phases"][0]["name"], "drive");
  EXPECT_GE(run0["phases"][0]["start_ms"].get<double>(), 200);  // after the load, when the server answers
  EXPECT_NE(r.err.find("ok\nok\nok\n"), std::string::npos) << "3 answers to the client: " << r.err;
  EXPECT_EQ(r.out.find("ok"), std::string::npos) << "the client's output stays off the target's stdout";
  j = run_server({"--ready", "http:" + std::to_string(port), "--drive", "exit 3"}, port, 20000, &r);
  EXPECT_EQ(r.exit_code, 3) << "a failing client fails the run: " << r.err;
  EXPECT_EQ(j["runs"][0]["drive"]["exit_code"], 3);
}

// attach --drive: a client against a server that was already running, timed as the phase drive; the
// attach ends with the client and the server goes on serving.
TEST(Servers, AttachDrivesARunningServerAndLeavesItRunning) {
  const int port = free_port();
  const harness::Running server({fixture("http_server"), std::to_string(port), "0", "60000"});
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  harness::TempDir dir;
  const auto r =
      run({perfprobe(), "attach", "-p", server.pid(), "--no-counters", "--json", dir.file("a.json"), "--ready",
           "http:" + std::to_string(port), "--drive", "for i in 1 2 3; do curl -sf " + url + " || exit 9; done"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json run0 = harness::read_json(dir.file("a.json"))["runs"][0];
  EXPECT_EQ(run0["drive"]["exit_code"], 0);
  EXPECT_TRUE(run0["drive"]["finished"].get<bool>());
  EXPECT_EQ(run0["ended_by"], "drive");
  ASSERT_EQ(run0["phases"].size(), 1u) << run0.dump();
  EXPECT_EQ(run0["phases"][0]["name"], "drive");
  EXPECT_FALSE(run0.contains("stopped"));
  EXPECT_TRUE(server.alive());
  const auto again = run({"curl", "-sf", url});  // still serving
  EXPECT_EQ(again.exit_code, 0) << again.err;
}
