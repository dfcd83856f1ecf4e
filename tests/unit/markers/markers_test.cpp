// Pure parts of markers/: specs, SDT argument decoding, stream matching, timeline analysis, and the
// marker ring written through marker.h and read by MarkerChannel in one process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "perfprobe/error.hpp"
#include "perfprobe/marker.h"
#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/markers/channel.hpp"
#include "perfprobe/markers/output_tap.hpp"
#include "perfprobe/markers/sdt_args.hpp"

using namespace perfprobe;
using namespace perfprobe::markers;

TEST(Spec, ParsesEveryKindAndRejectsBadOnes) {
  EXPECT_EQ(parse_spec("usdt:llm:token", "--x").kind, SpecKind::usdt);
  EXPECT_EQ(parse_spec("usdt:llm:token", "--x").provider, "llm");
  EXPECT_EQ(parse_spec("mark:load", "--x").name, "load");
  EXPECT_EQ(parse_spec("output:^ready", "--x").regex, "^ready");
  EXPECT_EQ(parse_spec("listen:8080", "--x").port, 8080);
  EXPECT_EQ(parse_spec("listen", "--x").port, 0);
  EXPECT_EQ(parse_spec("file:/tmp/x", "--x").path, "/tmp/x");
  for (const char* bad : {"", "usdt:x", "usdt:a:*", "output:(", "listen:0", "listen:x", "mark:", "nope"}) {
    EXPECT_THROW((void)parse_spec(bad, "--ready"), UsageError) << bad;
  }
  const PhaseSpec p = parse_phase("load=mark:a..output:done");
  EXPECT_EQ(p.name, "load");
  EXPECT_EQ(p.begin.name, "a");
  EXPECT_EQ(p.end.regex, "done");
  EXPECT_THROW((void)parse_phase("load=mark:a"), UsageError);
  EXPECT_THROW((void)parse_phase("=mark:a..mark:b"), UsageError);
}

TEST(SdtArgs, DecodesRegistersImmediatesAndStackMemory) {
  const auto args = parse_sdt_args("-4@%edi 8@$42 8@16(%rsp) 1@%r9b 8@foo(%rip) 2@%ax");
  ASSERT_EQ(args.size(), 6u);
  EXPECT_EQ(args[4].kind, SdtArg::Kind::unsupported);
  std::vector<std::uint64_t> regs(17, 0);
  regs[5] = 0xFFFFFFFFu;  // DI = -1 as a 32-bit int
  regs[7] = 0x1000;       // SP
  regs[9 + 1] = 0x1ff;    // R9 (perf reg 17 -> index 10)
  regs[0] = 0x12345;      // AX
  std::vector<char> stack(64, 0);
  const std::int64_t v = 777;
  std::memcpy(stack.data() + 16, &v, 8);
  EXPECT_EQ(decode_sdt_arg(args[0], regs, stack), -1);
  EXPECT_EQ(decode_sdt_arg(args[1], regs, stack), 42);
  EXPECT_EQ(decode_sdt_arg(args[2], regs, stack), 777);
  EXPECT_EQ(decode_sdt_arg(args[3], regs, stack), 0xff);
  EXPECT_EQ(decode_sdt_arg(args[5], regs, stack), 0x2345);
  EXPECT_EQ(perf_register("r15d"), 23);
  EXPECT_EQ(perf_register("xmm0"), -1);
}

TEST(StreamMatcher, FindsMatchesSplitAcrossChunks) {
  StreamMatcher m("ready");
  EXPECT_EQ(m.feed("loading... rea"), 0u);
  EXPECT_EQ(m.feed("dy\n"), 1u);
  EXPECT_EQ(m.feed("ready ready"), 2u);
  StreamMatcher line("^tok$");
  EXPECT_EQ(line.feed("tok"), 0u);  // the line is not complete yet
  EXPECT_EQ(line.feed("\ntok\n"), 2u);
}

TEST(StreamMatcher, RequiredLiteralIsOnlyWhatEveryMatchContains) {
  EXPECT_EQ(required_literal("server is ready"), "server is ready");
  EXPECT_EQ(required_literal("^loaded \\d+ layers$"), "loaded ");
  EXPECT_EQ(required_literal("colou?r"), "colo");
  EXPECT_EQ(required_literal("ab*c"), "a");
  EXPECT_EQ(required_literal("x{0,3}yz"), "yz");
  EXPECT_EQ(required_literal("a\\.b"), "a.b");
  EXPECT_EQ(required_literal("[abc]def"), "def");
  EXPECT_EQ(required_literal("(ready)?go"), "go");
  EXPECT_EQ(required_literal("ready|done"), "");  // either may match
  EXPECT_EQ(required_literal("\\w+"), "");
}

TEST(StreamMatcher, UntilFirstStopsAfterOneMatchAndTheLiteralNeverHidesAMatch) {
  StreamMatcher once("ready", true);
  EXPECT_EQ(once.feed("ready ready\n"), 1u);
  EXPECT_EQ(once.feed("ready\n"), 0u);
  std::vector<StreamMatcher> moved;  // matchers live in vectors: the prefilter must survive moves
  for (int i = 0; i < 20; ++i) moved.emplace_back("tok");
  EXPECT_EQ(moved.front().feed("tok\n"), 1u);
  StreamMatcher split("loaded \\d+");
  EXPECT_EQ(split.feed("lo"), 0u);
  EXPECT_EQ(split.feed("aded 12\n"), 1u);
  EXPECT_EQ(split.feed(std::string(200000, 'x') + "\n"), 0u);
  EXPECT_EQ(split.feed("loaded 3\n"), 1u);
}

TEST(StreamMatcher, WhitespaceOnlyChunksAreBlank) {
  EXPECT_TRUE(is_blank("\n"));
  EXPECT_TRUE(is_blank(" \t\r\n"));
  EXPECT_FALSE(is_blank(" x\n"));
}

namespace {
Event ev(std::int64_t ms, EventKind kind, EventSource source, const std::string& name) {
  Event e;
  e.t_ns = ms * 1'000'000;
  e.kind = kind;
  e.source = source;
  e.name = name;
  return e;
}
}  // namespace

TEST(Analysis, StartupPhasesTokensStallsAndRss) {
  RunResult r;
  r.wall_ns = 1'000'000'000;
  r.events.push_back(ev(10, EventKind::phase_begin, EventSource::mark, "load.begin"));
  r.events.push_back(ev(100, EventKind::phase_end, EventSource::mark, "load.end"));
  r.events.push_back(ev(120, EventKind::ready, EventSource::mark, "ready"));
  for (int i = 0; i < 10; ++i)
    r.events.push_back(ev(200 + 10 * i + (i == 9 ? 50 : 0), EventKind::token, EventSource::mark, "token"));
  r.rss = {RssSample{11'000'000, 1000, 100, 900, 0, 1}, RssSample{101'000'000, 5000, 3100, 1900, 0, 1}};
  analyze(AnalysisPlan{}, r);
  EXPECT_EQ(r.startup_ns, 120'000'000);
  ASSERT_EQ(r.phases.size(), 1u);
  EXPECT_EQ(r.phases[0].end_ns - r.phases[0].start_ns, 90'000'000);
  EXPECT_EQ(r.phases[0].rss_delta_bytes, 4000);
  EXPECT_EQ(r.phases[0].rss_anon_delta_bytes, 3000);
  EXPECT_EQ(r.phases[0].rss_file_delta_bytes, 1000);
  ASSERT_TRUE(r.tokens);
  EXPECT_EQ(r.tokens->count, 10u);
  EXPECT_EQ(r.tokens->ttft_ns, 200'000'000);
  ASSERT_EQ(r.tokens->stalls.size(), 1u);  // 60 ms against a median of 10 ms
  EXPECT_EQ(r.tokens->stalls[0].index, 9u);
  EXPECT_EQ(r.marker_counts["mark:token"], 10u);
}

TEST(Analysis, ExplicitSpecsReplaceTheDefaults) {
  RunResult r;
  r.events.push_back(ev(5, EventKind::marker, EventSource::usdt, "llm:load_start"));
  r.events.push_back(ev(50, EventKind::marker, EventSource::output, "loaded"));
  r.events.push_back(ev(60, EventKind::marker, EventSource::usdt, "llm:token"));
  r.events.push_back(ev(70, EventKind::marker, EventSource::usdt, "llm:token"));
  AnalysisPlan plan;
  plan.ready = parse_spec("output:loaded", "--ready");
  plan.tokens = parse_spec("usdt:llm:token", "--tokens");
  plan.phases.push_back(parse_phase("load=usdt:llm:load_start..output:loaded"));
  analyze(plan, r);
  EXPECT_EQ(r.startup_ns, 50'000'000);
  EXPECT_EQ(r.tokens->count, 2u);
  EXPECT_DOUBLE_EQ(r.tokens->latency_ms.at(0), 10.0);
  ASSERT_EQ(r.phases.size(), 1u);
  EXPECT_EQ(r.phases[0].name, "load");
  EXPECT_EQ(r.marker_counts["llm:token"], 2u);
  EXPECT_EQ(r.marker_counts["output:loaded"], 1u);
}

// Between two probe hits the kernel's records give the RSS of each address space and the page faults
// at the hits' own instants; the late snapshots (RSS samples, counter readings) are not used.
TEST(Analysis, ProbePhasesTakeTheKernelsRecordsAtTheProbesInstants) {
  RunResult r;
  r.events.push_back(ev(10, EventKind::marker, EventSource::usdt, "app:begin"));
  r.events.push_back(ev(50, EventKind::marker, EventSource::uprobe, "uprobe:end"));
  Event late;  // the counters perfprobe read when it saw the end, 5 ms late
  late.t_ns = 55'000'000;
  late.kind = EventKind::counters;
  late.values = {{"page-faults", 9000.0}, {"task-clock", 1e6}};
  r.events.push_back(late);
  r.rss = {RssSample{12'000'000, 1 << 20, 1 << 20, 0, 0, 1}, RssSample{55'000'000, 9 << 20, 9 << 20, 0, 0, 1}};
  KernelRecords k;
  k.period = 8;
  k.faults = true;
  constexpr std::int32_t kFile = 0;
  constexpr std::int32_t kAnon = 1;
  k.rss = {{1'000'000, 7, kAnon, 4096},     {5'000'000, 7, kFile, 40960},   {9'000'000, 7, kAnon, 8192},
           {20'000'000, 7, kAnon, 1 << 20}, {30'000'000, 7, kFile, 81920},  {40'000'000, 9, kAnon, 12288},
           {49'000'000, 7, kAnon, 4 << 20}, {52'000'000, 7, kAnon, 8 << 20}};
  k.fault_times = {2'000'000, 11'000'000, 30'000'000, 50'000'000, 51'000'000, 53'000'000};
  r.kernel_records = k;
  AnalysisPlan plan;
  plan.phases.push_back(parse_phase("load=usdt:app:begin..uprobe:end"));
  analyze(plan, r);
  ASSERT_EQ(r.phases.size(), 1u);
  const PhaseResult& p = r.phases[0];
  EXPECT_EQ(p.boundary, BoundaryMechanism::kernel_records);
  EXPECT_EQ(p.rss_anon_delta_bytes, (4 << 20) - 8192 + 12288);  // a second process born in the phase counts
  EXPECT_EQ(p.rss_file_delta_bytes, 81920 - 40960);
  EXPECT_EQ(p.rss_delta_bytes, p.rss_anon_delta_bytes + p.rss_file_delta_bytes);
  ASSERT_EQ(p.counters.size(), 2u);
  EXPECT_EQ(p.counters[0].name, "page-faults");
  EXPECT_DOUBLE_EQ(p.counters[0].value, 3 * 8.0);  // samples at 11, 30 and 50 ms: (begin, end]

  // Records lost: the snapshots, and the report says so.
  r.kernel_records->lost = 1;
  analyze(plan, r);
  EXPECT_EQ(r.phases[0].boundary, BoundaryMechanism::snapshot);
  EXPECT_EQ(r.phases[0].rss_anon_delta_bytes, 8 << 20);
}

TEST(Analysis, MarkerApiPhasesWaitedForTheirSnapshotAndMixedEndsAreLate) {
  RunResult r;
  r.events.push_back(ev(10, EventKind::phase_begin, EventSource::mark, "a.begin"));
  r.events.push_back(ev(20, EventKind::phase_end, EventSource::mark, "a.end"));
  r.events.push_back(ev(30, EventKind::marker, EventSource::usdt, "app:x"));
  r.events.push_back(ev(40, EventKind::marker, EventSource::output, "done"));
  r.kernel_records = KernelRecords{};
  AnalysisPlan plan;
  plan.phases.push_back(parse_phase("b=usdt:app:x..output:done"));
  analyze(plan, r);
  ASSERT_EQ(r.phases.size(), 2u);
  EXPECT_EQ(r.phases[0].boundary, BoundaryMechanism::handshake);
  EXPECT_EQ(r.phases[1].boundary, BoundaryMechanism::snapshot);
}

TEST(AnalysisPlan, OneRuleForBoundariesAndTokens) {
  AnalysisPlan defaults;
  EXPECT_TRUE(defaults.is_boundary(ev(1, EventKind::phase_begin, EventSource::mark, "load.begin")));
  EXPECT_TRUE(defaults.is_boundary(ev(1, EventKind::ready, EventSource::mark, "ready")));
  EXPECT_FALSE(defaults.is_boundary(ev(1, EventKind::token, EventSource::mark, "token")));
  EXPECT_FALSE(defaults.is_boundary(ev(1, EventKind::rss, EventSource::proc, "")));
  EXPECT_TRUE(defaults.is_token(ev(1, EventKind::token, EventSource::mark, "token")));
  EXPECT_FALSE(defaults.is_token(ev(1, EventKind::marker, EventSource::usdt, "llm:token")));

  AnalysisPlan specs;
  specs.tokens = parse_spec("usdt:llm:token", "--tokens");
  specs.ready = parse_spec("output:loaded", "--ready");
  specs.phases.push_back(parse_phase("gen=usdt:llm:gen_begin..usdt:llm:gen_end"));
  EXPECT_TRUE(specs.is_token(ev(1, EventKind::marker, EventSource::usdt, "llm:token")));
  EXPECT_FALSE(specs.is_token(ev(1, EventKind::token, EventSource::mark, "token")));
  EXPECT_TRUE(specs.is_boundary(ev(1, EventKind::marker, EventSource::usdt, "llm:gen_end")));
  EXPECT_TRUE(specs.is_boundary(ev(1, EventKind::marker, EventSource::output, "loaded")));
  EXPECT_TRUE(specs.is_ready(ev(1, EventKind::marker, EventSource::output, "loaded")));
  EXPECT_FALSE(specs.is_boundary(ev(1, EventKind::marker, EventSource::usdt, "llm:token")));
}

TEST(EventSource, NamesRoundTripAndUnknownIsNone) {
  for (const auto s : {EventSource::mark, EventSource::usdt, EventSource::output, EventSource::listen,
                       EventSource::file, EventSource::proc, EventSource::rss, EventSource::boundary}) {
    EXPECT_EQ(event_source_named(to_string(s)), s);
  }
  EXPECT_EQ(to_string(EventSource::boundary), "boundary");
  EXPECT_EQ(event_source_named("from-the-future"), EventSource::none);
}

TEST(Analysis, TokensAfterAMarkerCountTheEchoApartAndExactCountsWin) {
  RunResult r;
  r.events.push_back(ev(1, EventKind::output, EventSource::output, "stdout"));
  r.events.push_back(ev(2, EventKind::output, EventSource::output, "stdout"));
  r.events.push_back(ev(5, EventKind::marker, EventSource::mark, "generate"));
  r.events.push_back(ev(8, EventKind::output, EventSource::output, "stdout"));
  r.events.push_back(ev(9, EventKind::output, EventSource::output, "stdout"));
  r.marker_counts["mark:generate"] = 7;  // the source counted more than it kept
  AnalysisPlan plan;
  plan.tokens = parse_spec("output", "--tokens");
  plan.tokens_after = parse_spec("mark:generate", "--tokens-after");
  analyze(plan, r);
  ASSERT_TRUE(r.tokens);
  EXPECT_EQ(r.tokens->count, 2u);
  EXPECT_EQ(r.tokens->prompt_echo, 2u);
  EXPECT_EQ(*r.tokens->ttft_ns, 8'000'000);
  EXPECT_EQ(r.marker_counts["mark:generate"], 7u);
}

// Tokens every 10 ms, each costing 1 ms of CPU; perfprobe's reading after the first token comes 95 ms
// late. The cost is the CPU of the span after that reading over the tokens inside it: 1 ms, not less.
TEST(Analysis, PerTokenCpuRestsOnTheTokensAfterTheFirstReading) {
  RunResult r;
  r.wall_ns = 1'000'000'000;
  for (int i = 0; i < 50; ++i) r.events.push_back(ev(100 + 10 * i, EventKind::token, EventSource::mark, "token"));
  Event late = ev(195, EventKind::counters, EventSource::proc, "");
  late.values = {{"task-clock", 10e6}};  // the tokens at 100..190 ms
  r.events.push_back(late);
  CounterReading end;
  end.name = "task-clock";
  end.supported = true;
  end.value = 50e6;  // all 50 tokens
  r.counters.push_back(end);
  analyze(AnalysisPlan{}, r);
  ASSERT_TRUE(r.tokens);
  ASSERT_EQ(r.tokens->per_token.count("cpu_ms"), 1u);
  EXPECT_DOUBLE_EQ(r.tokens->per_token.at("cpu_ms"), 1.0);  // 40 ms over the 40 tokens after 195 ms
}

TEST(Analysis, EachRequestGetsTheTimeToItsFirstToken) {
  RunResult r;
  // Request at 100, tokens from 120; request at 300, tokens from 335; request at 500 fails (no token
  // before the next one); request at 600, tokens from 607; request at 900, never answered.
  for (const int t : {100, 300, 500, 600, 900})
    r.events.push_back(ev(t, EventKind::marker, EventSource::usdt, "srv:req"));
  for (const int t : {120, 125, 130, 335, 340, 607, 610})
    r.events.push_back(ev(t, EventKind::marker, EventSource::usdt, "srv:tok"));
  AnalysisPlan plan;
  plan.tokens = parse_spec("usdt:srv:tok", "--tokens");
  plan.request = parse_spec("usdt:srv:req", "--request");
  analyze(plan, r);
  ASSERT_TRUE(r.requests);
  EXPECT_EQ(r.requests->count, 5u);
  ASSERT_EQ(r.requests->ttft_ms.size(), 3u);
  EXPECT_DOUBLE_EQ(r.requests->ttft_ms[0], 20.0);
  EXPECT_DOUBLE_EQ(r.requests->ttft_ms[1], 35.0);
  EXPECT_DOUBLE_EQ(r.requests->ttft_ms[2], 7.0);
  EXPECT_EQ(r.tokens->count, 7u);  // requests do not change what a token is
}

TEST(Analysis, RequestsWithEveryNthHitAndNoneWithoutTheOption) {
  const auto stats = request_stats({10, 20}, {});
  EXPECT_EQ(stats.count, 2u);
  EXPECT_TRUE(stats.ttft_ms.empty());
  RunResult r;
  for (const int t : {10, 11, 50, 51}) r.events.push_back(ev(t, EventKind::marker, EventSource::usdt, "srv:req"));
  r.events.push_back(ev(15, EventKind::token, EventSource::mark, "token"));
  r.events.push_back(ev(58, EventKind::token, EventSource::mark, "token"));
  analyze(AnalysisPlan{}, r);
  EXPECT_FALSE(r.requests);
  AnalysisPlan plan;
  plan.request = parse_spec("usdt:srv:req/2", "--request");  // every 2nd hit: the ones at 11 and 51
  analyze(plan, r);
  ASSERT_TRUE(r.requests);
  EXPECT_EQ(r.requests->count, 2u);
  ASSERT_EQ(r.requests->ttft_ms.size(), 2u);
  EXPECT_DOUBLE_EQ(r.requests->ttft_ms[0], 4.0);
  EXPECT_DOUBLE_EQ(r.requests->ttft_ms[1], 7.0);
}
