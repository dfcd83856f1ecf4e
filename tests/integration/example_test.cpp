// The bundled example under perfprobe, as the README's demo runs it: the marker API gives startup,
// the load phase (file-backed weights vs anonymous KV cache) and every token.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/harness.hpp"

using harness::perfprobe;
using nlohmann::json;

TEST(Example, ToyLlmReportsStartupLoadPhaseAndTokens) {
  harness::TempDir dir;
  const auto r =
      harness::run({perfprobe(), "run", "--json", dir.file("r.json"), "--", harness::example("llm/toy_llm"), "--tokens",
                    "12", "--weights", dir.file("w.bin"), "--weights-mb", "32", "--kv-mb", "16"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), ' '), 11) << r.out;  // 12 words passed through
  EXPECT_NE(r.err.find("time to first token"), std::string::npos) << r.err;
  const json run = harness::read_json(dir.file("r.json"))["runs"][0];
  ASSERT_TRUE(run.contains("startup_ms"));
  EXPECT_GT(run["startup_ms"].get<double>(), 0);
  EXPECT_EQ(run["tokens"]["count"], 12);
  EXPECT_GE(run["tokens"]["ttft_ms"].get<double>(), run["startup_ms"].get<double>());
  ASSERT_EQ(run["phases"].size(), 2U);
  const json& load = run["phases"][0];
  EXPECT_EQ(load["name"], "load");
  const json& gen = run["phases"][1];
  EXPECT_EQ(gen["name"], "generate");
  EXPECT_GE(gen["start_ms"].get<double>(), load["end_ms"].get<double>());
  EXPECT_LE(gen["start_ms"].get<double>(), run["tokens"]["ttft_ms"].get<double>());
  // The weights are mapped and read (file RSS), the KV cache is written (anonymous RSS).
  EXPECT_GT(load["rss_file_delta_bytes"].get<double>(), 24.0 * 1024 * 1024);
  EXPECT_GT(load["rss_anon_delta_bytes"].get<double>(), 12.0 * 1024 * 1024);
  EXPECT_EQ(run["markers"]["mark:token"]["count"], 12);
}
