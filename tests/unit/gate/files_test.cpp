// The config file and baseline readers: the issue's example, malformed values, unknown keys.
#include <gtest/gtest.h>

#include "perfprobe/error.hpp"
#include "perfprobe/gate/files.hpp"

using perfprobe::UsageError;
using perfprobe::gate::parse_baseline;
using perfprobe::gate::parse_check_config;

namespace {

std::string error_of(const std::string& text) {
  try {
    (void)parse_check_config(text, "c.json");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(CheckConfig, ReadsTheIssueExample) {
  const auto c = parse_check_config(
      R"({ "binary": ["build/llm"], "command": ["build/llm", "--prompt", "hi"], "runs": 10, "warmup": 1,
    "ready": "output:^ready", "tokens": "output:tok[0-9]+", "cold": false,
    "budgets": { "stripped_size": "15MiB", "file_size": "40MiB", "startup_p95": "100ms", "peak_rss": "30MiB",
                 "token_latency_p95": "50ms", "tokens_per_s_min": 20 } })",
      "c.json");
  EXPECT_EQ(c.binaries, std::vector<std::string>{"build/llm"});
  EXPECT_EQ(c.command.size(), 3U);
  EXPECT_EQ(*c.runs, 10);
  EXPECT_EQ(*c.warmup, 1);
  EXPECT_EQ(*c.ready, "output:^ready");
  EXPECT_EQ(*c.tokens, "output:tok[0-9]+");
  EXPECT_FALSE(*c.cold);
  ASSERT_EQ(c.budgets.size(), 6U);
  bool saw_rate = false;
  for (const auto& [k, v] : c.budgets) {
    if (k == "tokens_per_s_min") {
      EXPECT_EQ(v, "20");
      saw_rate = true;
    }
    if (k == "stripped_size") {
      EXPECT_EQ(v, "15MiB");
    }
  }
  EXPECT_TRUE(saw_rate);
}

TEST(CheckConfig, BareNumbersGetTheDefaultUnitAndPhasesAreNamed) {
  const auto c =
      parse_check_config(R"({"budgets": {"peak_rss": 1024, "wall_p95": 250, "phase_p95": {"load": "2s"}}})", "c.json");
  ASSERT_EQ(c.budgets.size(), 2U);
  EXPECT_EQ(c.budgets[0], (std::pair<std::string, std::string>{"peak_rss", "1024B"}));
  EXPECT_EQ(c.budgets[1], (std::pair<std::string, std::string>{"wall_p95", "250ms"}));
  ASSERT_EQ(c.phase_budgets.size(), 1U);
  EXPECT_EQ(c.phase_budgets[0].first, "load");
}

TEST(CheckConfig, MalformedConfigsNameTheProblem) {
  EXPECT_NE(error_of("{ not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"budget": {}})").find("'budget'"), std::string::npos);
  EXPECT_NE(error_of(R"({"budgets": {"startup": "1s"}})").find("budgets.startup"), std::string::npos);
  EXPECT_NE(error_of(R"({"runs": "ten"})").find("runs"), std::string::npos);
  EXPECT_NE(error_of(R"({"runs": -1})").find("runs"), std::string::npos);
  EXPECT_NE(error_of(R"({"cold": "yes"})").find("cold"), std::string::npos);
  EXPECT_NE(error_of(R"({"command": []})").find("command"), std::string::npos);
  EXPECT_NE(error_of(R"({"command": [1]})").find("command"), std::string::npos);
  EXPECT_NE(error_of(R"({"budgets": {"peak_rss": -5}})").find("negative"), std::string::npos);
  EXPECT_NE(error_of(R"({"budgets": {"peak_rss": true}})").find("budgets.peak_rss"), std::string::npos);
  EXPECT_NE(error_of("").find("c.json"), std::string::npos);
}

TEST(Baseline, ReadsACheckJsonAndARunJson) {
  const auto check = parse_baseline(R"({"samples": {"wall_ms": [1, 2, 3], "startup_ms": [0.5]}})", "b.json");
  EXPECT_EQ(check.at("wall_ms"), (std::vector<double>{1, 2, 3}));
  // schema_version 1 keys are read as today's catalogue keys.
  const auto v1 = parse_baseline(
      R"({"samples": {"wall_ms": [10, 12], "tokens_per_s": [40], "token_latency_p95_ms": [9], "phase_ms.load": [4]}})",
      "c1.json");
  EXPECT_EQ(v1.at("tokens.tokens_per_s"), (std::vector<double>{40}));
  EXPECT_EQ(v1.at("tokens.latency_p95_ms"), (std::vector<double>{9}));
  EXPECT_EQ(v1.at("phases.load.duration_ms"), (std::vector<double>{4}));
  // A run JSON of schema_version 2 carries the same "samples".
  const auto run = parse_baseline(
      R"({"schema_version": 2, "runs": [], "samples": {"wall_ms": [10, 12], "phases.a.b.duration_ms": [4, 5]}})",
      "r.json");
  EXPECT_EQ(run.at("wall_ms"), (std::vector<double>{10, 12}));
  EXPECT_EQ(run.at("phases.a.b.duration_ms"), (std::vector<double>{4, 5}));
}

TEST(Baseline, RejectsWhatIsNotACheckOrRun) {
  for (const char* text : {"", "nope", "[]", "{}", R"({"samples": {"wall_ms": ["x"]}})", R"({"runs": []})",
                           R"({"runs": [{"wall_ms": 1, "tokens": {"count": "many"}}]})",
                           "{\"samples\": 5e515555555555555587ru\n"}) {  // found by the fuzzer: overflow
    EXPECT_THROW((void)parse_baseline(text, "b.json"), UsageError) << text;
  }
  EXPECT_THROW((void)parse_check_config("{\"runs\": 1e999999}", "c.json"), UsageError);
}

TEST(Baseline, ZeroOrNegativeMedianOfAGatedMetricIsAConfigError) {
  try {
    (void)parse_baseline(R"({"samples": {"wall_ms": [0, 0, 1]}})", "z.json");
    FAIL() << "a zero median was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("wall_ms"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("median"), std::string::npos);
  }
  EXPECT_THROW((void)parse_baseline(R"({"samples": {"tokens_per_s": [-3, -2]}})", "z.json"), UsageError);
  // A figure that may well be zero (a phase that frees as much as it takes) is not gated: fine.
  EXPECT_NO_THROW((void)parse_baseline(R"({"samples": {"wall_ms": [5], "phases.a.rss_delta_bytes": [0, 0]}})", "z"));
}
