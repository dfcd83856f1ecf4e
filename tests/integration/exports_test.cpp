// --openmetrics, --textfile and --bmf of run, check, attach and compare on the bundled example:
// Prometheus' own tools accept every file (promtool check metrics for the text format, promtool's
// OpenMetrics parser for the OpenMetrics file, a node_exporter scraped over HTTP for the textfile;
// each skipped, saying so, where not installed), and the values are the JSON report's, in base units.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "integration/harness.hpp"

using harness::perfprobe;
using nlohmann::json;

namespace {

bool have_promtool() { return harness::run({"promtool", "--version"}).exit_code == 0; }

void expect_promtool_accepts_text(const std::string& path) {
  const auto r = harness::run({"sh", "-c", "promtool check metrics < '" + path + "'"});
  EXPECT_EQ(r.exit_code, 0) << path << ":\n" << r.out << r.err << harness::read_text(path);
}

void expect_promtool_accepts_openmetrics(const harness::TempDir& dir, const std::string& path) {
  const auto r = harness::run({"promtool", "tsdb", "create-blocks-from", "openmetrics", path, dir.file("blocks")});
  EXPECT_EQ(r.exit_code, 0) << path << ":\n" << r.out << r.err << harness::read_text(path);
  EXPECT_NE(harness::read_text(path).find("\n# EOF\n"), std::string::npos);
}

// The value of the one line "NAME{...LABELS...} VALUE" whose labels contain `labels`.
double value_of(const std::string& text, const std::string& name, const std::string& labels) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with(name + "{") || line.find(labels) == std::string::npos) continue;
    std::istringstream row(line.substr(line.rfind('}') + 1));
    double v = NAN;
    row >> v;
    return v;
  }
  ADD_FAILURE() << "no " << name << " with " << labels << " in\n" << text;
  return NAN;
}

std::vector<std::string> toy_llm(const harness::TempDir& dir) {
  return {harness::example("llm/toy_llm"),
          "--tokens",
          "8",
          "--weights",
          dir.file("w.bin"),
          "--weights-mb",
          "8",
          "--kv-mb",
          "4"};
}

// A TCP port on the loopback that was free a moment ago.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

ino_t inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

TEST(Exports, RunWritesOpenMetricsTextfileAndBmfWithTheJsonFigures) {
  harness::TempDir dir;
  std::vector<std::string> argv{perfprobe(),
                                "run",
                                "-q",
                                "-r",
                                "2",
                                "--json",
                                dir.file("r.json"),
                                "--openmetrics",
                                dir.file("r.om"),
                                "--textfile",
                                dir.path(),
                                "--bmf",
                                dir.file("r.bmf.json"),
                                "--"};
  for (const auto& a : toy_llm(dir)) argv.push_back(a);
  const auto r = harness::run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("r.json"));
  const std::string om = harness::read_text(dir.file("r.om"));
  const std::string prom = harness::read_text(dir.file("perfprobe.prom"));
  for (const std::string run : {"1", "2"}) {
    const json& jr = j["runs"][static_cast<std::size_t>(std::stoi(run) - 1)];
    const std::string l = "run=\"" + run + "\"";
    EXPECT_NEAR(value_of(prom, "perfprobe_wall_seconds", l), jr["wall_ms"].get<double>() / 1e3, 1e-6);
    EXPECT_NEAR(value_of(om, "perfprobe_startup_seconds", l), jr["startup_ms"].get<double>() / 1e3, 1e-6);
    EXPECT_EQ(value_of(prom, "perfprobe_tokens_total", l), 8);
    EXPECT_NEAR(value_of(prom, "perfprobe_tokens_per_second", l), jr["tokens"]["tokens_per_s"].get<double>(), 1e-6);
    EXPECT_NEAR(value_of(prom, "perfprobe_peak_rss_bytes", l), jr["peak_rss_bytes"].get<double>(), 0.5);
    EXPECT_NEAR(value_of(prom, "perfprobe_phase_duration_seconds", l + ",phase=\"load\""),
                (jr["phases"][0]["end_ms"].get<double>() - jr["phases"][0]["start_ms"].get<double>()) / 1e3, 1e-6);
    EXPECT_EQ(value_of(prom, "perfprobe_token_latency_seconds_count", l), 7);
    EXPECT_EQ(value_of(prom, "perfprobe_markers_total", l + ",marker=\"mark:token\""), 8);
  }
  EXPECT_NE(om.find("# TYPE perfprobe_tokens counter\n"), std::string::npos) << om;
  EXPECT_EQ(value_of(prom, "perfprobe_export_info", "schema_version=\"1\""), 1);
  EXPECT_NE(prom.find("# TYPE perfprobe_tokens_total counter\n"), std::string::npos) << prom;
  EXPECT_NE(prom.find("quantile=\"0.95\""), std::string::npos) << prom;
  const json bmf = harness::read_json(dir.file("r.bmf.json"));
  ASSERT_EQ(bmf.size(), 1U);
  const json& measures = bmf.begin().value();
  EXPECT_EQ(measures["tokens.count"]["value"], 8);
  EXPECT_LE(measures["wall_ms"]["lower_value"].get<double>(), measures["wall_ms"]["value"].get<double>());
  if (!have_promtool()) GTEST_SKIP() << "promtool is not installed (scripts/install-deps.sh --test): files not checked";
  expect_promtool_accepts_text(dir.file("perfprobe.prom"));
  expect_promtool_accepts_openmetrics(dir, dir.file("r.om"));
}

TEST(Exports, CheckAddsItsVerdictAndCompareWritesOneBenchmarkPerFile) {
  harness::TempDir dir;
  std::vector<std::string> argv{perfprobe(),
                                "check",
                                "-r",
                                "2",
                                "-w",
                                "0",
                                "--max-wall",
                                "60s",
                                "--json",
                                dir.file("c.json"),
                                "--openmetrics",
                                dir.file("c.om"),
                                "--textfile",
                                dir.path(),
                                "--bmf",
                                dir.file("c.bmf.json"),
                                "--"};
  for (const auto& a : toy_llm(dir)) argv.push_back(a);
  const auto r = harness::run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(value_of(harness::read_text(dir.file("c.om")), "perfprobe_check_passed", "host="), 1);
  EXPECT_EQ(harness::read_json(dir.file("c.bmf.json")).begin().value()["tokens.count"]["value"], 8);
  const auto cmp =
      harness::run({perfprobe(), "compare", dir.file("c.json"), dir.file("c.json"), "--bmf", dir.file("cmp.bmf.json")});
  ASSERT_EQ(cmp.exit_code, 0) << cmp.err;
  const json bmf = harness::read_json(dir.file("cmp.bmf.json"));
  EXPECT_EQ(bmf.size(), 1U) << "the same file twice is one benchmark";
  EXPECT_TRUE(bmf.contains(dir.file("c.json"))) << bmf.dump(1);
  if (!have_promtool()) GTEST_SKIP() << "promtool is not installed (scripts/install-deps.sh --test): files not checked";
  expect_promtool_accepts_text(dir.file("perfprobe.prom"));
  expect_promtool_accepts_openmetrics(dir, dir.file("c.om"));
}

TEST(Exports, AttachWritesOpenMetrics) {
  harness::TempDir dir;
  const pid_t target = fork();
  if (target == 0) {
    execl("/bin/sleep", "sleep", "5", static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto r =
      harness::run({perfprobe(), "attach", "-p", std::to_string(target), "--duration", "300ms", "-q", "--json",
                    dir.file("a.json"), "--openmetrics", dir.file("a.om"), "--textfile", dir.path()});
  kill(target, SIGKILL);
  waitpid(target, nullptr, 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("a.json"));
  const std::string om = harness::read_text(dir.file("a.om"));
  EXPECT_NEAR(value_of(om, "perfprobe_wall_seconds", "run=\"1\""), j["runs"][0]["wall_ms"].get<double>() / 1e3, 1e-6);
  EXPECT_NE(om.find("command=\"/usr/bin/sleep 5\""), std::string::npos) << om;
  if (!have_promtool()) GTEST_SKIP() << "promtool is not installed (scripts/install-deps.sh --test): files not checked";
  expect_promtool_accepts_text(dir.file("perfprobe.prom"));
  expect_promtool_accepts_openmetrics(dir, dir.file("a.om"));
}

TEST(Exports, UnwritableTextfileDirIsAUsageErrorBeforeTheRun) {
  const auto r = harness::run({perfprobe(), "run", "--textfile", "/nonexistent-dir", "--", "true"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--textfile"), std::string::npos) << r.err;
}

// node_exporter's textfile collector reads DIR/*.prom at every scrape: perfprobe replaces the file by
// a rename within DIR (a reader holding the old file keeps it whole; no temporary is left), and a
// real node_exporter serves the figures over HTTP without a scrape error.
TEST(Exports, TextfileIsReplacedByRenameAndNodeExporterServesIt) {
  harness::TempDir dir;
  const std::string prom = dir.file("perfprobe.prom");
  std::ofstream(prom) << "# an older run\n";
  ASSERT_EQ(::link(prom.c_str(), dir.file("older").c_str()), 0);
  const ino_t before = inode_of(prom);
  std::vector<std::string> argv{perfprobe(), "run", "-q", "--textfile", dir.path() + "/", "--"};
  for (const auto& a : toy_llm(dir)) argv.push_back(a);
  const auto r = harness::run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(inode_of(prom), before) << "replaced by a rename, not rewritten in place";
  EXPECT_EQ(harness::read_text(dir.file("older")), "# an older run\n");
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = e.path().filename();
    EXPECT_TRUE(name == "perfprobe.prom" || name == "older" || name == "w.bin") << "left behind: " << name;
  }
  if (harness::run({"prometheus-node-exporter", "--version"}).exit_code != 0 ||
      harness::run({"curl", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "prometheus-node-exporter or curl is not installed (scripts/install-deps.sh --test): not scraped";
  }
  const std::string address = "127.0.0.1:" + std::to_string(free_port());
  const pid_t exporter = fork();
  if (exporter == 0) {
    const std::string textfile = "--collector.textfile.directory=" + dir.path();
    const std::string listen = "--web.listen-address=" + address;
    execlp("prometheus-node-exporter", "prometheus-node-exporter", "--collector.disable-defaults",
           "--collector.textfile", textfile.c_str(), listen.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  harness::Result scrape;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    scrape = harness::run({"curl", "-sf", "http://" + address + "/metrics"});
  } while (scrape.exit_code != 0 && std::chrono::steady_clock::now() < deadline);
  kill(exporter, SIGTERM);
  waitpid(exporter, nullptr, 0);
  ASSERT_EQ(scrape.exit_code, 0) << "node_exporter never answered on " << address << ": " << scrape.err;
  EXPECT_EQ(value_of(scrape.out, "perfprobe_tokens_total", "run=\"1\""), 8) << scrape.out;
  EXPECT_NE(scrape.out.find("\nnode_textfile_scrape_error 0\n"), std::string::npos) << scrape.out;
}
