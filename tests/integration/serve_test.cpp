// attach --serve: /metrics scraped while perfprobe stays attached to a running fixture. Two scrapes
// see the token counter grow and promtool accepts the text; a real Prometheus server scrapes it and
// its query API returns the figures; misuse and a port in use are usage errors before any work.
// Every wait polls against a generous deadline: a loaded CI machine is slow, never wrong.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include "harness.hpp"

namespace {

using harness::perfprobe;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = std::chrono::seconds(20);

// A child process killed and reaped at the end of the test, whatever happens.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv, const std::string& stderr_path = "/dev/null",
                 int* stdout_pipe = nullptr) {
    int out[2] = {-1, -1};
    if (stdout_pipe != nullptr && pipe2(out, O_CLOEXEC) != 0) std::abort();
    pid_ = fork();
    if (pid_ == 0) {
      const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) dup2(err, 2);
      if (stdout_pipe != nullptr) dup2(out[1], 1);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    if (stdout_pipe != nullptr) {
      close(out[1]);
      *stdout_pipe = out[0];
    }
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  [[nodiscard]] pid_t pid() const { return pid_; }
  // Sends `sig` and waits for the exit status (128+N when killed by signal N).
  int stop(int sig) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

// usdt_burn 0: a token (SDT burn:token) every fraction of a millisecond until killed; returns
// once it has printed "ready", so that it has exec'd and attach sees the fixture, not a fork of us.
std::unique_ptr<Child> start_burn(const std::string& program = harness::fixture("usdt_burn")) {
  int out = -1;
  auto child = std::make_unique<Child>(std::vector<std::string>{program, "0"}, "/dev/null", &out);
  std::string seen;
  char buf[64];
  for (ssize_t n; seen.find("ready") == std::string::npos && (n = read(out, buf, sizeof buf)) > 0;)
    seen.append(buf, static_cast<std::size_t>(n));
  close(out);
  return child;
}

// The address of the "serve" line of a --jsonl stream, once perfprobe has written it.
std::string served_address(const std::string& jsonl, const std::string& stderr_path) {
  const auto deadline = Clock::now() + kDeadline;
  while (Clock::now() < deadline) {
    std::istringstream in(harness::read_text(jsonl));
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"event\":\"serve\"") == std::string::npos) continue;
      const json j = json::parse(line);
      return j["address"].get<std::string>();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "no serve line in " << jsonl << "; stderr: " << harness::read_text(stderr_path);
  return {};
}

struct Scrape {
  int exit_code = -1;
  std::string headers;
  std::string body;
};

Scrape scrape(const harness::TempDir& dir, const std::string& url, const std::string& accept = "") {
  std::vector<std::string> argv{"curl", "-sS", "-f", "--max-time", "10", "-D", dir.file("headers"), url};
  if (!accept.empty()) argv.insert(argv.begin() + 1, {"-H", "Accept: " + accept});
  const auto r = harness::run(argv);
  return {r.exit_code, harness::read_text(dir.file("headers")), r.out + r.err};
}

// The value of the first sample named `name` (exactly, before its labels) in an exposition.
std::optional<double> sample(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with(name + "{") && !line.starts_with(name + " ")) continue;
    std::istringstream row(line.substr(line.rfind('}') == std::string::npos ? name.size() : line.rfind('}') + 1));
    double v = NAN;
    row >> v;
    return v;
  }
  return std::nullopt;
}

// Scrapes until `name` is above `above` (the window has just opened, or no token came yet).
Scrape scrape_until_above(const harness::TempDir& dir, const std::string& url, const std::string& name, double above) {
  const auto deadline = Clock::now() + kDeadline;
  Scrape s;
  do {
    s = scrape(dir, url);
    if (s.exit_code == 0 && sample(s.body, name).value_or(-1) > above) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (Clock::now() < deadline);
  ADD_FAILURE() << name << " never went above " << above << " at " << url << ":\n" << s.body;
  return s;
}

bool have(const std::string& program) { return harness::run({program, "--version"}).exit_code == 0; }

// As root, tokens come from the fixture's SDT probe; otherwise only what needs no privilege (the
// time attached grows too).
std::vector<std::string> attach_argv(pid_t target, const harness::TempDir& dir) {
  std::vector<std::string> argv{perfprobe(),        "attach",     "-p",      std::to_string(target), "--serve",
                                "127.0.0.1:0",      "-q",         "--jsonl", dir.file("a.jsonl"),    "--json",
                                dir.file("a.json"), "--duration", "120s"};
  if (harness::is_root()) argv.insert(argv.end(), {"--tokens", "usdt:burn:token"});
  return argv;
}

std::string grown_metric() { return harness::is_root() ? "perfprobe_tokens_total" : "perfprobe_wall_seconds"; }

// A TCP socket bound to a free port of 127.0.0.1 (the kernel picks it), and that port; -1 on failure.
int bound_loopback_socket(int& port) {
  const int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (sock < 0 || ::bind(sock, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(sock, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (sock >= 0) ::close(sock);
    return -1;
  }
  port = ntohs(a.sin_port);
  return sock;
}

// Every cumulative sample of an exposition (counters' _total, summaries' _sum and _count) by its
// name and labels.
std::map<std::string, double> cumulative_samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto end = line.rfind(' ');
    const std::string key = line.substr(0, end);
    const std::string name = key.substr(0, key.find('{'));
    if (!name.ends_with("_total") && !name.ends_with("_sum") && !name.ends_with("_count")) continue;
    out[key] = std::stod(line.substr(end + 1));
  }
  return out;
}

// Scrapes until `done` holds for the body, keeping every answered scrape in `seen`.
bool scrape_until(const harness::TempDir& dir, const std::string& url, std::vector<std::string>& seen,
                  const std::function<bool(const std::string&)>& done) {
  const auto deadline = Clock::now() + kDeadline;
  while (Clock::now() < deadline) {
    const Scrape s = scrape(dir, url);
    if (s.exit_code == 0) {
      seen.push_back(s.body);
      if (done(s.body)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST(Serve, TwoScrapesSeeTheFiguresGrowAndPromtoolAcceptsThem) {
  if (!have("curl")) GTEST_SKIP() << "curl is not installed: nothing to scrape with";
  harness::TempDir dir;
  const auto burn = start_burn();
  Child attach(attach_argv(burn->pid(), dir), dir.file("err"));
  const std::string address = served_address(dir.file("a.jsonl"), dir.file("err"));
  ASSERT_FALSE(address.empty());
  EXPECT_TRUE(address.starts_with("127.0.0.1:")) << address;
  EXPECT_NE(harness::read_text(dir.file("err")).find("http://" + address + "/metrics"), std::string::npos)
      << "the bound address is printed on stderr, even with -q";
  const std::string url = "http://" + address + "/metrics";

  const Scrape first = scrape_until_above(dir, url, grown_metric(), 0);
  const double at_first = sample(first.body, grown_metric()).value_or(0);
  const Scrape second = scrape_until_above(dir, url, grown_metric(), at_first);
  const double at_second = sample(second.body, grown_metric()).value_or(0);
  EXPECT_GT(at_second, at_first);
  EXPECT_NE(second.headers.find("text/plain; version=0.0.4"), std::string::npos) << second.headers;
  EXPECT_TRUE(sample(second.body, "perfprobe_export_info").has_value()) << second.body;
  EXPECT_TRUE(sample(second.body, "perfprobe_peak_rss_bytes").has_value()) << second.body;
  EXPECT_TRUE(sample(second.body, "perfprobe_event_seconds_total").has_value()) << "task-clock so far\n" << second.body;
  if (harness::is_root()) {
    EXPECT_GT(sample(second.body, "perfprobe_tokens_per_second").value_or(0), 0) << second.body;
    EXPECT_TRUE(sample(second.body, "perfprobe_token_latency_seconds").has_value()) << second.body;
    EXPECT_TRUE(sample(second.body, "perfprobe_tokens_ttft_seconds").has_value()) << second.body;
  }

  // OpenMetrics when the scraper prefers it, as Prometheus does.
  const Scrape om = scrape(dir, url,
                           "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                           "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
  ASSERT_EQ(om.exit_code, 0) << om.body;
  EXPECT_NE(om.headers.find("application/openmetrics-text; version=1.0.0"), std::string::npos) << om.headers;
  EXPECT_TRUE(om.body.ends_with("# EOF\n")) << om.body;

  // The window ends with Ctrl-C as usual; the final report has at least what the scrapes saw.
  EXPECT_EQ(attach.stop(SIGINT), 0) << harness::read_text(dir.file("err"));
  const json j = harness::read_json(dir.file("a.json"));
  if (harness::is_root()) {
    EXPECT_GE(j["runs"][0]["tokens"]["count"].get<double>(), at_second);
  }

  if (!have("promtool")) GTEST_SKIP() << "promtool is not installed (scripts/install-deps.sh --test): not checked";
  std::ofstream(dir.file("scrape.prom")) << second.body;
  const auto check = harness::run({"sh", "-c", "promtool check metrics < '" + dir.file("scrape.prom") + "'"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << "\n" << second.body;
}

TEST(Serve, APrometheusServerScrapesTheLiveFigures) {
  if (!have("prometheus") || !have("curl")) {
    GTEST_SKIP() << "prometheus or curl is not installed (scripts/install-deps.sh --test): not scraped";
  }
  harness::TempDir dir;
  const auto burn = start_burn();
  Child attach(attach_argv(burn->pid(), dir), dir.file("err"));
  const std::string address = served_address(dir.file("a.jsonl"), dir.file("err"));
  ASSERT_FALSE(address.empty());

  std::ofstream(dir.file("prometheus.yml")) << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                               "scrape_configs:\n  - job_name: perfprobe\n"
                                               "    static_configs:\n      - targets: ['"
                                            << address << "']\n";
  // Port 0 is not for Prometheus' own listener: a port free a moment ago (a clash only fails the wait).
  int port = 0;
  const int sock = bound_loopback_socket(port);
  ASSERT_GE(sock, 0);
  ::close(sock);
  const std::string web = "127.0.0.1:" + std::to_string(port);
  Child prometheus({"prometheus", "--config.file=" + dir.file("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.file("data"), "--web.listen-address=" + web},
                   dir.file("prometheus.log"));

  // Prometheus' query API: the newest stored value of one series, once it has one above zero.
  const auto stored = [&](const std::string& metric) {
    const auto r = harness::run({"curl", "-sf", "--max-time", "5", "http://" + web + "/api/v1/query?query=" + metric});
    const json j = json::parse(r.out, nullptr, false);
    if (r.exit_code != 0 || j.is_discarded() || j["status"] != "success" || j["data"]["result"].empty()) return 0.0;
    return std::stod(j["data"]["result"][0]["value"][1].get<std::string>());
  };
  double grown = 0;
  const auto deadline = Clock::now() + kDeadline;
  while ((grown = stored(grown_metric())) <= 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GT(grown, 0) << "Prometheus stored no " << grown_metric() << " from " << address << "; its log:\n"
                      << harness::read_text(dir.file("prometheus.log"));
  const double peak_rss = stored("perfprobe_peak_rss_bytes");
  const double rate = stored("perfprobe_tokens_per_second");
  EXPECT_EQ(prometheus.stop(SIGTERM), 0);
  EXPECT_EQ(attach.stop(SIGTERM), 0) << "SIGTERM ends the attach cleanly\n" << harness::read_text(dir.file("err"));

  // What Prometheus stored is what perfprobe's own report of the same window says: the counter at
  // most the final count, the peak RSS of a fixture that allocates nothing after it starts the
  // same within a few pages, the rate within a factor of 2 (the scraped one covers less time).
  const json run = harness::read_json(dir.file("a.json"))["runs"][0];
  EXPECT_LE(grown, harness::is_root() ? run["tokens"]["count"].get<double>() : run["wall_ms"].get<double>() / 1e3);
  EXPECT_NEAR(peak_rss, run["peak_rss_bytes"].get<double>(), 64 * 1024);
  if (harness::is_root()) {
    const double final_rate = run["tokens"]["tokens_per_s"].get<double>();
    EXPECT_GT(rate, final_rate / 2);
    EXPECT_LT(rate, final_rate * 2);
  }
}

TEST(Serve, TheTargetsExitEndsTheAttachAndTheServing) {
  if (!have("curl")) GTEST_SKIP() << "curl is not installed: nothing to scrape with";
  harness::TempDir dir;
  auto burn = start_burn();
  Child attach(attach_argv(burn->pid(), dir), dir.file("err"));
  const std::string address = served_address(dir.file("a.jsonl"), dir.file("err"));
  ASSERT_FALSE(address.empty());
  (void)scrape_until_above(dir, "http://" + address + "/metrics", "perfprobe_wall_seconds", 0);
  burn.reset();                                                         // killed and reaped: its pidfd says it exited
  EXPECT_EQ(attach.stop(0), 0) << harness::read_text(dir.file("err"));  // signal 0: waits for its own end
  EXPECT_EQ(scrape(dir, "http://" + address + "/metrics").exit_code, 7) << "nothing listens any more";
  const json report = harness::read_json(dir.file("a.json"));
  EXPECT_EQ(report["runs"].size(), 1U);
  EXPECT_NE(report["warnings"].dump().find("the target exited"), std::string::npos) << report["warnings"];
}

TEST(Serve, IsAUsageErrorOutsideAttach) {
  for (const char* command : {"run", "record", "check"}) {
    const auto r = harness::run({perfprobe(), command, "--serve", "127.0.0.1:0", "--", "true"});
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
    EXPECT_NE(r.err.find("--serve is for `perfprobe attach` only"), std::string::npos) << r.err;
  }
}

TEST(Serve, ABadAddressIsAUsageErrorBeforeAnyWork) {
  const std::string self = std::to_string(getpid());
  for (const char* bad : {"127.0.0.1:65536", "127.0.0.1:", "localhost:http", "::1:9100"}) {
    const auto r = harness::run({perfprobe(), "attach", "-p", self, "-d", "1s", "--serve", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("invalid --serve"), std::string::npos) << r.err;
  }
  // 192.0.2.1 (TEST-NET-1, documentation only) is no address of this machine.
  const auto r = harness::run({perfprobe(), "attach", "-p", self, "-d", "1s", "--serve", "192.0.2.1:0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot serve on --serve 192.0.2.1:0"), std::string::npos) << r.err;
}

TEST(Serve, APortInUseIsAUsageErrorBeforeAnyWork) {
  int port_number = 0;
  const int sock = bound_loopback_socket(port_number);
  ASSERT_GE(sock, 0);
  ASSERT_EQ(::listen(sock, 1), 0);
  const std::string port = std::to_string(port_number);
  harness::TempDir dir;
  const auto r = harness::run({perfprobe(), "attach", "-p", std::to_string(getpid()), "-d", "1s", "--json",
                               dir.file("a.json"), "--serve", "127.0.0.1:" + port});
  ::close(sock);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:" + port + ": the port is in use"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("attached to pid"), std::string::npos) << "refused before attaching: " << r.err;
  EXPECT_FALSE(std::ifstream(dir.file("a.json")).good()) << "nothing written";
}

// --follow: the target exits, perfprobe says so (target_up 0) and waits; a new process of the same
// name starts and is attached to (targets_total 2, up 1) with the same options. Across all of it no
// counter, summary sum or count ever goes down, and the report has one run per target.
TEST(Serve, FollowAttachesToTheNextProcessOfTheNameAndNoCounterGoesDown) {
  if (!have("curl")) GTEST_SKIP() << "curl is not installed: nothing to scrape with";
  harness::TempDir dir;
  // A name of this test's own: other tests run usdt_burn at the same time.
  const std::string program = "fburn" + std::to_string(getpid());
  std::filesystem::copy_file(harness::fixture("usdt_burn"), dir.file(program));
  std::filesystem::permissions(dir.file(program), std::filesystem::perms::owner_all);
  auto first = start_burn(dir.file(program));
  auto argv = attach_argv(first->pid(), dir);
  argv.insert(argv.end(), {"--follow", program});
  Child attach(argv, dir.file("err"));
  const std::string address = served_address(dir.file("a.jsonl"), dir.file("err"));
  ASSERT_FALSE(address.empty());
  const std::string url = "http://" + address + "/metrics";
  const auto value = [](const std::string& body, const std::string& name) { return sample(body, name).value_or(-1); };
  std::vector<std::string> seen;

  ASSERT_TRUE(scrape_until(dir, url, seen, [&](const std::string& b) { return value(b, grown_metric()) > 0; }));
  EXPECT_EQ(value(seen.back(), "perfprobe_target_up"), 1) << seen.back();
  EXPECT_EQ(value(seen.back(), "perfprobe_targets_total"), 1) << seen.back();
  const double before_exit = value(seen.back(), "perfprobe_tokens_total");

  const pid_t first_pid = first->pid();
  first.reset();  // killed and reaped
  ASSERT_TRUE(scrape_until(dir, url, seen, [&](const std::string& b) { return value(b, "perfprobe_target_up") == 0; }))
      << harness::read_text(dir.file("err"));
  if (harness::is_root()) {
    EXPECT_GE(value(seen.back(), "perfprobe_tokens_total"), before_exit) << "while waiting, the counters stay\n"
                                                                         << seen.back();
  }
  EXPECT_EQ(value(seen.back(), "perfprobe_wall_seconds"), -1) << "no target, no per-target gauge\n" << seen.back();

  auto second = start_burn(dir.file(program));
  ASSERT_TRUE(scrape_until(dir, url, seen, [&](const std::string& b) {
    return value(b, "perfprobe_targets_total") == 2 && value(b, "perfprobe_target_up") == 1;
  })) << harness::read_text(dir.file("err"));
  const double at_switch = value(seen.back(), grown_metric());
  ASSERT_TRUE(scrape_until(dir, url, seen, [&](const std::string& b) { return value(b, grown_metric()) > at_switch; }));
  if (harness::is_root()) {
    EXPECT_GT(value(seen.back(), "perfprobe_tokens_total"), before_exit);
  }

  for (std::size_t i = 1; i < seen.size(); ++i) {
    const auto before = cumulative_samples(seen[i - 1]);
    const auto after = cumulative_samples(seen[i]);
    for (const auto& [key, v] : before) {
      ASSERT_TRUE(after.count(key)) << key << " vanished at scrape " << i << ":\n" << seen[i];
      EXPECT_GE(after.at(key), v) << key << " went down at scrape " << i;
    }
  }

  EXPECT_EQ(attach.stop(SIGTERM), 0) << harness::read_text(dir.file("err"));
  const json report = harness::read_json(dir.file("a.json"));
  ASSERT_EQ(report["runs"].size(), 2U) << "one run per target";
  EXPECT_EQ(report["runs"][0]["ended_by"], "target_exit");
  EXPECT_EQ(report["runs"][1]["ended_by"], "interrupt");
  EXPECT_NE(report["warnings"].dump().find("pid " + std::to_string(first_pid) + " exited"), std::string::npos)
      << report["warnings"];
}

TEST(Serve, FollowRefusesOneDataFileForSeveralProcessesAndAPath) {
  const std::string self = std::to_string(getpid());
  harness::TempDir dir;
  auto r = harness::run({perfprobe(), "attach", "-p", self, "-d", "1s", "--follow", "x", "-o", dir.file("f")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--follow attaches to one process after another"), std::string::npos) << r.err;
  r = harness::run({perfprobe(), "attach", "-p", self, "-d", "1s", "--follow", "/usr/bin/x"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("it takes a process name"), std::string::npos) << r.err;
}
