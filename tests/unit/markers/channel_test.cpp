// The marker ring: marks written through marker.h and read by MarkerChannel in one process, the exact
// per-site counts, and a reader that survives whatever a hostile target writes into the shared memory
// (the fuzzer's committed corpus is replayed here).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "fuzz/marker_ring_input.hpp"
#include "perfprobe/marker.h"
#include "perfprobe/markers/channel.hpp"

using namespace perfprobe;
using namespace perfprobe::markers;

namespace {

// A ring laid out like MarkerChannel's, in plain memory, with hand-written records.
struct FakeRing {
  static constexpr std::uint64_t kCap = 8;
  std::vector<std::uint64_t> words = std::vector<std::uint64_t>((sizeof(perfprobe_ring) + kCap * 32) / 8);
  perfprobe_ring* ring() { return reinterpret_cast<perfprobe_ring*>(words.data()); }
  perfprobe_record* records() { return reinterpret_cast<perfprobe_record*>(ring() + 1); }
  void name(std::uint32_t slot, const char* text, std::uint32_t kind, std::uint64_t count) {
    perfprobe_name& n = ring()->names[slot];
    std::strncpy(n.text, text, sizeof n.text);
    n.kind = kind;
    n.count = count;
    n.ready = 1;
  }
  void record(std::uint64_t pos, std::uint32_t name, std::uint32_t kind, std::int64_t t_ns = 5000) {
    perfprobe_record& r = records()[pos % kCap];
    r.t_ns = t_ns;
    r.name = name;
    r.kind = kind;
    r.seq = pos + 1;
  }
};

constexpr std::int64_t kNow = 1'000'000;

}  // namespace

TEST(Channel, MarksWrittenThroughTheHeaderArriveInOrderAndOverflowIsCounted) {
  MarkerChannel channel(8);
  ::setenv("PERFPROBE_MARKER_FD", std::to_string(channel.fd()).c_str(), 1);
  PERFPROBE_PHASE_BEGIN("load");
  PERFPROBE_PHASE_END("load");
  PERFPROBE_READY();
  for (int i = 0; i < 10; ++i) PERFPROBE_TOKEN();  // 13 marks into 8 slots: 5 dropped, none blocks
  std::vector<Event> out;
  channel.drain(out);
  ASSERT_EQ(out.size(), 8u);
  EXPECT_EQ(out[0].name, "load.begin");
  EXPECT_EQ(out[0].kind, EventKind::phase_begin);
  EXPECT_EQ(out[1].name, "load.end");
  EXPECT_EQ(out[2].kind, EventKind::ready);
  EXPECT_EQ(out[3].kind, EventKind::token);
  EXPECT_LE(out[0].t_ns, out[7].t_ns);
  EXPECT_EQ(channel.dropped(), 5u);
  PERFPROBE_MARK_ARG("after", 99);  // the drain freed the ring
  out.clear();
  channel.drain(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].args, std::vector<std::int64_t>{99});
  // Counts are kept where the target writes, so they stay exact when records are lost.
  for (int i = 0; i < 1000; ++i) PERFPROBE_MARK("tick");
  channel.drain(out);
  const auto counts = channel.counts();
  EXPECT_EQ(counts.at("mark:tick"), 1000u);
  EXPECT_EQ(counts.at("mark:token"), 10u);
  EXPECT_EQ(counts.at("mark:load.begin"), 1u);
  EXPECT_EQ(channel.dropped(), 5u + 1000u - 8u);
  EXPECT_TRUE(channel.corruption().empty());
}

TEST(Channel, TheTargetCannotShrinkTheSharedMemory) {
  MarkerChannel channel(8);
  EXPECT_NE(::ftruncate(channel.fd(), 0), 0);  // sealed: perfprobe's mapping can never SIGBUS
}

TEST(Channel, PlainMarksBeyondTheCapKeepTheirCountButNoEvent) {
  FakeRing f;
  f.name(0, "tick", PERFPROBE_KIND_MARK, 5);
  f.name(1, "token", PERFPROBE_KIND_TOKEN, 3);
  RingReader reader(f.ring(), FakeRing::kCap, 1000, 2);
  for (std::uint64_t i = 0; i < 5; ++i) f.record(i, 1, PERFPROBE_KIND_MARK);
  for (std::uint64_t i = 5; i < 8; ++i) f.record(i, 2, PERFPROBE_KIND_TOKEN);
  std::vector<Event> out;
  reader.drain(out, kNow);
  EXPECT_EQ(out.size(), 2u + 3u);  // tokens are always kept
  EXPECT_EQ(reader.dropped(), 3u);
  EXPECT_EQ(reader.counts().at("mark:tick"), 5u);
  EXPECT_EQ(f.ring()->tail, 8u);
}

TEST(Channel, EveryImpossibleValueMakesTheRingCorruptOnceAndForever) {
  struct Case {
    const char* what;
    std::function<void(FakeRing&)> damage;
  };
  const std::vector<Case> cases = {
      {"name out of range", [](FakeRing& f) { f.record(1, 9999, PERFPROBE_KIND_MARK); }},
      {"unknown kind", [](FakeRing& f) { f.record(1, 1, 77); }},
      {"kind not the site's", [](FakeRing& f) { f.record(1, 1, PERFPROBE_KIND_PHASE_END); }},
      {"site never registered", [](FakeRing& f) { f.record(1, 40, PERFPROBE_KIND_MARK); }},
      {"stamped before the run", [](FakeRing& f) { f.record(1, 1, PERFPROBE_KIND_MARK, -1); }},
      {"stamped far in the future", [](FakeRing& f) { f.record(1, 1, PERFPROBE_KIND_MARK, kNow + 5'000'000'000); }},
  };
  for (const auto& c : cases) {
    FakeRing f;
    f.name(0, "tick", PERFPROBE_KIND_MARK, 3);
    f.record(0, 1, PERFPROBE_KIND_MARK);
    c.damage(f);
    // Values perfprobe never reads back from the shared side: capacity, head, tail.
    f.ring()->capacity = ~0ULL;
    f.ring()->tail = 1ULL << 60;
    f.ring()->head = 3;
    RingReader reader(f.ring(), FakeRing::kCap, 1000, UINT64_MAX);
    std::vector<Event> out;
    reader.drain(out, kNow);
    EXPECT_EQ(out.size(), 1u) << c.what;  // the sound record before it is kept
    EXPECT_FALSE(reader.corruption().empty()) << c.what;
    f.record(2, 1, PERFPROBE_KIND_MARK);
    reader.drain(out, kNow);
    EXPECT_EQ(out.size(), 1u) << c.what << ": nothing is read once corrupt";
    EXPECT_TRUE(reader.counts().empty()) << c.what;
    EXPECT_EQ(reader.dropped(), 0u) << c.what;
  }
}

TEST(Channel, ACountBelowTheRecordsReadIsCorruption) {
  FakeRing f;
  f.name(0, "tick", PERFPROBE_KIND_MARK, 1);
  f.record(0, 1, PERFPROBE_KIND_MARK);
  f.record(1, 1, PERFPROBE_KIND_MARK);
  RingReader reader(f.ring(), FakeRing::kCap, 1000, UINT64_MAX);
  std::vector<Event> out;
  reader.drain(out, kNow);
  EXPECT_TRUE(reader.counts().empty());
  EXPECT_NE(reader.corruption().find("tick"), std::string::npos);
}

TEST(Channel, ARingRewrittenAsFastAsItIsReadCannotHoldTheReader) {
  FakeRing f;
  f.name(0, "tick", PERFPROBE_KIND_MARK, ~0ULL);
  // Every slot claims to be the next record, whatever the position: at most one ring per drain.
  for (std::uint64_t i = 0; i < FakeRing::kCap; ++i) f.record(i, 1, PERFPROBE_KIND_MARK);
  RingReader reader(f.ring(), FakeRing::kCap, 1000, UINT64_MAX);
  std::vector<Event> out;
  reader.drain(out, kNow);
  EXPECT_EQ(out.size(), FakeRing::kCap);
}

TEST(Channel, ReplaysTheFuzzCorpus) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PERFPROBE_RING_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fuzz::marker_ring_one_input(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++n;
  }
  EXPECT_GE(n, 5u);
}
