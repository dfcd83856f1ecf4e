// Views and derived figures, fed with hand-made runs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "perfprobe/report/derived.hpp"
#include "perfprobe/report/views.hpp"

using namespace perfprobe;
using namespace perfprobe::report;

namespace {
CounterReading counter(const std::string& name, double value, bool supported = true) {
  CounterReading c;
  c.name = name;
  c.supported = supported;
  c.value = value;
  c.raw = static_cast<std::uint64_t>(value);
  c.time_enabled_ns = 100;
  c.time_running_ns = 100;
  if (!supported) c.reason = "no PMU";
  return c;
}
RunResult make_run(double wall_ms) {
  RunResult r;
  r.wall_ns = static_cast<std::int64_t>(wall_ms * 1e6);
  r.user_ns = r.wall_ns / 2;
  r.peak_rss_bytes = 1 << 20;
  r.counters = {counter("task-clock", wall_ms * 1e6 * 0.5), counter("cycles", 0, false)};
  return r;
}
}  // namespace

TEST(Derived, IpcAndRatesNeedTheirInputs) {
  auto d = derived_metrics({counter("cycles", 1000), counter("instructions", 2500)}, 0);
  EXPECT_DOUBLE_EQ(d.at("ipc"), 2.5);
  d = derived_metrics({counter("cycles", 0, false), counter("instructions", 2500)}, 0);
  EXPECT_EQ(d.count("ipc"), 0U);  // absent, never a made-up 0
  d = derived_metrics({counter("cache-references", 200), counter("cache-misses", 50)}, 0);
  EXPECT_DOUBLE_EQ(d.at("cache_miss_pct"), 25);
  d = derived_metrics({counter("perf::task-clock", 2e9)}, 1000000000);
  EXPECT_DOUBLE_EQ(d.at("cpus_utilized"), 2);
}

TEST(Json, CarriesSchemaVersionRunsAndSummary) {
  RunReport rep;
  rep.tool = "perfprobe 0.1.0";
  rep.command = {"./llm", "--prompt", "hi"};
  rep.runs = {make_run(100), make_run(110), make_run(120)};
  const auto j = nlohmann::json::parse(to_json_text(rep));
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["command"].size(), 3U);
  EXPECT_EQ(j["runs"].size(), 3U);
  EXPECT_TRUE(j["runs"][0]["signal"].is_null());
  EXPECT_FALSE(j["runs"][0]["counters"]["cycles"]["supported"].get<bool>());
  EXPECT_EQ(j["runs"][0]["counters"]["cycles"]["reason"], "no PMU");
  EXPECT_FALSE(j["runs"][0]["counters"]["cycles"].contains("value"));
  EXPECT_DOUBLE_EQ(j["summary"]["wall_ms"]["median"].get<double>(), 110);
  EXPECT_EQ(j["summary"]["wall_ms"]["n"], 3);
  EXPECT_EQ(j["summary"]["counters"]["task-clock"]["n"], 3);
  EXPECT_FALSE(j["summary"]["counters"].contains("cycles"));
}

TEST(Json, MultiplexedCounterIsScaledAndSaysSo) {
  RunReport rep;
  RunResult r = make_run(10);
  CounterReading c = counter("instructions", 2000);
  c.raw = 1000;
  c.time_running_ns = 50;
  r.counters = {c};
  rep.runs = {r};
  const auto j = nlohmann::json::parse(to_json_text(rep));
  const auto& ins = j["runs"][0]["counters"]["instructions"];
  EXPECT_TRUE(ins["multiplexed"].get<bool>());
  EXPECT_DOUBLE_EQ(ins["running_pct"].get<double>(), 50);
  EXPECT_EQ(ins["raw"], 1000);
  EXPECT_DOUBLE_EQ(ins["value"].get<double>(), 2000);
}

TEST(Jsonl, EveryLineHasAnEventField) {
  Event e;
  e.t_ns = 95'000'000;
  e.kind = EventKind::marker;
  e.name = "llm:load_done";
  e.args = {67108864};
  const auto j = nlohmann::json::parse(jsonl_event(e));
  EXPECT_EQ(j["event"], "marker");
  EXPECT_EQ(j["name"], "llm:load_done");
  EXPECT_DOUBLE_EQ(j["t_ms"].get<double>(), 95.0);
  EXPECT_EQ(j["args"][0], 67108864);
  EXPECT_EQ(nlohmann::json::parse(jsonl_run_start(0, false, {"x"}, 5))["event"], "run_start");
  EXPECT_EQ(nlohmann::json::parse(jsonl_run_end(0, make_run(1)))["event"], "run_end");
}

TEST(Text, ShowsStddevOverRunsAndNotSupportedReasons) {
  RunReport rep;
  rep.command = {"./llm"};
  rep.runs = {make_run(100), make_run(120)};
  std::ostringstream out;
  write_text(out, rep, {});
  const std::string s = out.str();
  EXPECT_NE(s.find("2 runs"), std::string::npos);
  EXPECT_NE(s.find("±"), std::string::npos);
  EXPECT_NE(s.find("not supported"), std::string::npos);
  EXPECT_NE(s.find("no PMU"), std::string::npos);
}

TEST(Format, ScalesUnits) {
  EXPECT_EQ(format_duration_ns(812.4e6), "812.4 ms");
  EXPECT_EQ(format_duration_ns(1.5e9), "1.500 s");
  EXPECT_EQ(format_duration_ns(950), "950 ns");
  EXPECT_EQ(format_bytes(100.0 * 1024 * 1024), "100.0 MiB");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(12), "12");
}

// A count's median over an even number of runs can be fractional: it keeps the separators.
TEST(Format, FractionalCountsKeepTheirThousandsSeparators) {
  using perfprobe::metrics::Unit;
  EXPECT_EQ(format_metric(Unit::count, 8283.5), "8,283.5");
  EXPECT_EQ(format_metric(Unit::count, 8283), "8,283");
  EXPECT_EQ(format_metric(Unit::count, -1234567.25), "-1,234,567.2");
  EXPECT_EQ(format_metric(Unit::count, 0.5), "0.5");
  EXPECT_EQ(format_metric(Unit::count, 999.96), "1,000.0");
}

TEST(Consistency, WarnsAboutOutliersAndFailedRuns) {
  std::vector<RunResult> runs = {make_run(100), make_run(101), make_run(99), make_run(100), make_run(300)};
  runs[1].exit_code = 1;
  const auto w = consistency_warnings(runs);
  bool outlier = false, failed = false;
  for (const auto& s : w) {
    outlier |= s.find("outlier") != std::string::npos;
    failed |= s.find("non-zero") != std::string::npos;
  }
  EXPECT_TRUE(outlier);
  EXPECT_TRUE(failed);
  EXPECT_TRUE(consistency_warnings({make_run(100), make_run(100)}).empty());
}

TEST(Json, TokenLatencyHasP95ForBaselinesAndBudgets) {
  RunReport rep;
  RunResult r = make_run(100);
  TokenStats t;
  t.count = 21;
  for (int i = 1; i <= 20; ++i) t.latency_ms.push_back(i);
  r.tokens = t;
  rep.runs = {r, r};
  const auto j = nlohmann::json::parse(to_json_text(rep));
  EXPECT_NEAR(j["runs"][0]["tokens"]["latency_ms"]["p95"].get<double>(), 19.05, 1e-9);
  EXPECT_NEAR(j["summary"]["tokens"]["latency_p95_ms"]["median"].get<double>(), 19.05, 1e-9);
}

TEST(Text, ColumnsStayAlignedWithMicroseconds) {
  RunReport rep;
  rep.command = {"x"};
  RunResult a = make_run(0.5);  // wall and user under a millisecond: printed in µs
  RunResult b = make_run(0.7);
  a.sys_ns = 5'000'000;  // sys in ms: no multi-byte character on its line
  b.sys_ns = 6'000'000;
  rep.runs = {a, b};
  std::ostringstream out;
  write_text(out, rep, {});
  std::istringstream lines(out.str());
  std::size_t wall_paren = 0, sys_paren = 0;
  for (std::string line; std::getline(lines, line);) {
    std::size_t cols = 0, paren = 0;
    for (const char c : line) {
      if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++cols;
      if (c == '(' && paren == 0) paren = cols;
    }
    if (line.find("    wall") == 0) wall_paren = paren;
    if (line.find("    sys") == 0) sys_paren = paren;
  }
  EXPECT_GT(wall_paren, 0U);
  EXPECT_EQ(wall_paren, sys_paren);
}

TEST(Format, PaddingCountsColumnsNotBytes) {
  EXPECT_EQ(pad_right("5 µs", 6), "5 µs  ");
  EXPECT_EQ(pad_left("5 µs", 6), "  5 µs");
  EXPECT_EQ(pad_left("longer than width", 4), "longer than width");
}

namespace {
// Run i of three: phase "load" lasts 10, 30 or 20 ms; inter-token latencies are all 10, 30 or 20 ms.
RunResult varied_run(int ms) {
  RunResult r = make_run(100);
  PhaseResult p;
  p.name = "load";
  p.start_ns = 1'000'000;
  p.end_ns = p.start_ns + std::int64_t{ms} * 1'000'000;
  p.rss_delta_bytes = std::int64_t{ms} << 20;
  r.phases.push_back(p);
  TokenStats t;
  t.count = 11;
  t.ttft_ns = std::int64_t{ms} * 1'000'000;
  t.tokens_per_s = 1000.0 / ms;
  t.latency_ms.assign(10, ms);
  r.tokens = t;
  return r;
}
}  // namespace

// Over several runs, every per-run figure is a statistic over the runs, never the last run's.
TEST(Text, MultiRunFiguresAreOverRunsNotTheLastRun) {
  RunReport rep;
  rep.command = {"x"};
  rep.runs = {varied_run(20), varied_run(10), varied_run(30)};  // the last run is not the median one
  std::ostringstream out;
  write_text(out, rep, {});
  const std::string s = out.str();
  std::string load;
  std::istringstream lines(s);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("    load ", 0) == 0) load = line;
  }
  EXPECT_NE(load.find("20.0 ms ± 10.0 ms"), std::string::npos) << s;  // median duration, spread
  EXPECT_NE(load.find("20.0 MiB"), std::string::npos) << s;           // median RSS delta
  EXPECT_EQ(load.find("30.0"), std::string::npos) << s;               // the last run's figures
  EXPECT_NE(s.find("median of 3 runs"), std::string::npos) << s;
  EXPECT_NE(s.find("inter-token p95"), std::string::npos) << s;
  EXPECT_NE(s.find("(10.0 ms … 30.0 ms)"), std::string::npos) << s;  // the spread of the runs' p95
}

TEST(Json, TokensAndPhasesCarryStatisticsOverRuns) {
  RunReport rep;
  rep.runs = {varied_run(10), varied_run(30), varied_run(20)};
  const auto j = nlohmann::json::parse(to_json_text(rep));
  EXPECT_EQ(j["schema_version"], 2);
  const auto& tok = j["summary"]["tokens"];
  for (const char* k : {"ttft_ms", "tokens_per_s", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms"}) {
    ASSERT_TRUE(tok.contains(k)) << k;
    for (const char* stat : {"n", "mean", "stddev", "min", "max", "median", "p90", "p99"})
      EXPECT_TRUE(tok[k].contains(stat)) << k << "." << stat;
  }
  EXPECT_DOUBLE_EQ(tok["latency_p95_ms"]["median"].get<double>(), 20);
  EXPECT_DOUBLE_EQ(tok["ttft_ms"]["max"].get<double>(), 30);
  const auto& load = j["summary"]["phases"]["load"];
  EXPECT_DOUBLE_EQ(load["duration_ms"]["median"].get<double>(), 20);
  EXPECT_EQ(load["duration_ms"]["n"], 3);
  EXPECT_DOUBLE_EQ(load["rss_delta_bytes"]["min"].get<double>(), 10.0 * (1 << 20));
  EXPECT_TRUE(j["summary"].contains("peak_rss_bytes"));
  EXPECT_EQ(j["samples"]["phases.load.duration_ms"].size(), 3U);
}
