// Function-probe specs (uprobe:/uretprobe:) and the /N suffix: parsing and what analysis counts.
#include <gtest/gtest.h>

#include "perfprobe/error.hpp"
#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/markers/spec.hpp"

using namespace perfprobe;
using namespace perfprobe::markers;

TEST(FunctionSpec, ParsesFileSymbolOffsetAddressAndEvery) {
  const auto a = parse_spec("uprobe:llama_decode", "--x");
  EXPECT_EQ(a.kind, SpecKind::uprobe);
  EXPECT_FALSE(a.ret);
  EXPECT_EQ(a.file, "");
  EXPECT_EQ(a.symbol, "llama_decode");
  EXPECT_EQ(a.name, "uprobe:llama_decode");
  const auto b = parse_spec("uretprobe:libllama.so:llama_decode/4", "--x");
  EXPECT_TRUE(b.ret);
  EXPECT_EQ(b.file, "libllama.so");
  EXPECT_EQ(b.symbol, "llama_decode");
  EXPECT_EQ(b.every, 4u);
  EXPECT_EQ(b.name, "uretprobe:libllama.so:llama_decode");  // hits carry the name without /N
  const auto c = parse_spec("uprobe:./app:demo::Engine::step(int)", "--x");
  EXPECT_EQ(c.file, "./app");
  EXPECT_EQ(c.symbol, "demo::Engine::step(int)");
  const auto d = parse_spec("uprobe:demo::Engine::step", "--x");
  EXPECT_EQ(d.file, "");  // "::" is part of the name, not the file separator
  EXPECT_EQ(d.symbol, "demo::Engine::step");
  const auto e = parse_spec("uprobe:/opt/x/bin/app:0x1139", "--x");
  EXPECT_EQ(e.file, "/opt/x/bin/app");
  EXPECT_EQ(e.address.value(), 0x1139u);
  const auto f = parse_spec("uprobe:app:+0x1139", "--x");
  EXPECT_EQ(f.file_offset.value(), 0x1139u);
  const auto g = parse_spec("uprobe:app:work+16", "--x");
  EXPECT_EQ(g.symbol, "work");
  EXPECT_EQ(g.symbol_offset, 16u);
  EXPECT_EQ(parse_spec("usdt:llm:token/8", "--x").every, 8u);
  EXPECT_EQ(parse_spec("usdt:llm:token/8", "--x").name, "token");
  for (const char* bad :
       {"uprobe:", "uretprobe:app:", "uprobe:0x10", "uprobe:app:0xzz", "uprobe:app:+x", "uprobe:f/0"}) {
    EXPECT_THROW((void)parse_spec(bad, "--tokens"), UsageError) << bad;
  }
}

TEST(FunctionSpec, PhaseSplitsAtTheDotsBeforeTheEndSpecNotInsideAPath) {
  const PhaseSpec p = parse_phase("load=uprobe:../lib/libx.so:load..uretprobe:../lib/libx.so:load");
  EXPECT_EQ(p.begin.file, "../lib/libx.so");
  EXPECT_EQ(p.end.file, "../lib/libx.so");
  EXPECT_TRUE(p.end.ret);
}

namespace {
Event hit(std::int64_t ms, const std::string& name) {
  Event e;
  e.t_ns = ms * 1'000'000;
  e.source = EventSource::uprobe;
  e.name = name;
  return e;
}
}  // namespace

TEST(FunctionSpec, EveryNthCallIsAToken) {
  // 3 decodes, each calling compute 4 times: compute/4 gives the same token count and times as decode.
  RunResult r;
  for (int t = 0; t < 3; ++t) {
    for (int l = 0; l < 4; ++l) r.events.push_back(hit(10 * t + l + 1, "uprobe:compute"));
    r.events.push_back(hit(10 * t + 5, "uretprobe:decode"));
  }
  AnalysisPlan every;
  every.tokens = parse_spec("uprobe:compute/4", "--tokens");
  analyze(every, r);
  ASSERT_TRUE(r.tokens);
  EXPECT_EQ(r.tokens->count, 3u);
  EXPECT_EQ(r.tokens->ttft_ns, 4'000'000);  // the 4th call
  EXPECT_EQ(r.marker_counts["uprobe:compute"], 12u);
  AnalysisPlan decode;
  decode.tokens = parse_spec("uretprobe:decode", "--tokens");
  decode.ready = parse_spec("uprobe:compute/2", "--ready");
  decode.phases.push_back(parse_phase("second=uretprobe:decode/2..uretprobe:decode/3"));
  analyze(decode, r);
  EXPECT_EQ(r.tokens->count, 3u);
  EXPECT_EQ(r.tokens->ttft_ns, 5'000'000);
  EXPECT_EQ(r.startup_ns, 2'000'000);
  ASSERT_EQ(r.phases.size(), 1u);
  EXPECT_EQ(r.phases[0].start_ns, 15'000'000);
  EXPECT_EQ(r.phases[0].end_ns, 25'000'000);
}
