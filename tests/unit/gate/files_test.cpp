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
  const auto run =
      parse_baseline(R"({"runs": [{"wall_ms": 10, "peak_rss_bytes": 5, "peak_tree_rss_bytes": 7, "startup_ms": 3,
    "tokens": {"count": 3, "tokens_per_s": 40, "latency_ms": [10, 20]}},
    {"wall_ms": 12, "peak_rss_bytes": 9, "phases": [{"name": "load", "duration_ms": 4}]}]})",
                     "r.json");
  EXPECT_EQ(run.at("wall_ms"), (std::vector<double>{10, 12}));
  EXPECT_EQ(run.at("peak_rss_bytes"), (std::vector<double>{7, 9}));
  EXPECT_EQ(run.at("startup_ms"), (std::vector<double>{3}));
  EXPECT_EQ(run.at("tokens_per_s"), (std::vector<double>{40}));
  EXPECT_EQ(run.at("phase_ms.load"), (std::vector<double>{4}));
}

TEST(Baseline, RejectsWhatIsNotACheckOrRun) {
  for (const char* text : {"", "nope", "[]", "{}", R"({"samples": {"wall_ms": ["x"]}})", R"({"runs": []})",
                           R"({"runs": [{"wall_ms": 1, "tokens": {"count": "many"}}]})",
                           "{\"samples\": 5e515555555555555587ru\n"}) {  // found by the fuzzer: overflow
    EXPECT_THROW((void)parse_baseline(text, "b.json"), UsageError) << text;
  }
  EXPECT_THROW((void)parse_check_config("{\"runs\": 1e999999}", "c.json"), UsageError);
}
