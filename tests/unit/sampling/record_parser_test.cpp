// Decoding hand-built perf records: every field in its documented place.
#include <linux/perf_event.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "sampling/record_parser.hpp"

namespace perfprobe::sampling {
namespace {

constexpr std::uint64_t kType =
    PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN;

class Builder {
 public:
  explicit Builder(std::uint32_t type, std::uint16_t misc = 0) {
    perf_event_header h{type, misc, 0};
    put(h);
  }
  template <typename T>
  Builder& put(const T& v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    bytes.insert(bytes.end(), p, p + sizeof v);
    return *this;
  }
  Builder& str(const std::string& s) {
    bytes.insert(bytes.end(), s.begin(), s.end());
    bytes.push_back(0);
    while (bytes.size() % 8 != 0) bytes.push_back(0);
    return *this;
  }
  // sample_id_all trailer for kType: pid/tid, time, cpu/res.
  Builder& trailer(std::uint32_t pid, std::uint64_t time) { return put(pid).put(pid).put(time).put(std::uint64_t{0}); }
  std::vector<std::uint8_t> done() {
    const auto size = static_cast<std::uint16_t>(bytes.size());
    std::memcpy(bytes.data() + 6, &size, sizeof size);
    return bytes;
  }
  std::vector<std::uint8_t> bytes;
};

TEST(RecordParser, SampleKeepsUserCallchainWithoutContextMarkers) {
  Builder b(PERF_RECORD_SAMPLE);
  b.put(std::uint64_t{0x1111}).put(std::uint32_t{10}).put(std::uint32_t{11}).put(std::uint64_t{5000});
  b.put(std::uint32_t{1}).put(std::uint32_t{0}).put(std::uint64_t{1000000});
  b.put(std::uint64_t{3}).put(std::uint64_t{PERF_CONTEXT_USER}).put(std::uint64_t{0x1111}).put(std::uint64_t{0x2222});
  Profile p;
  ASSERT_TRUE(parse_record(b.done(), RecordLayout{kType, 0, 0}, p));
  ASSERT_EQ(p.samples.size(), 1U);
  const auto& s = p.samples[0];
  EXPECT_EQ(s.pid, 10);
  EXPECT_EQ(s.tid, 11);
  EXPECT_EQ(s.t_ns, 5000);
  EXPECT_EQ(s.cpu, 1U);
  EXPECT_EQ(s.period, 1000000U);
  EXPECT_EQ(s.callchain, (std::vector<std::uint64_t>{0x1111, 0x2222}));
}

TEST(RecordParser, SampleWithRegistersAndStackCopy) {
  const std::uint64_t type = kType | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
  const std::uint64_t mask = (1ULL << 6) | (1ULL << 7) | (1ULL << 8);
  Builder b(PERF_RECORD_SAMPLE);
  b.put(std::uint64_t{0x1111}).put(std::uint32_t{10}).put(std::uint32_t{10}).put(std::uint64_t{1});
  b.put(std::uint64_t{0}).put(std::uint64_t{1}).put(std::uint64_t{1}).put(std::uint64_t{0x1111});
  b.put(std::uint64_t{PERF_SAMPLE_REGS_ABI_64})
      .put(std::uint64_t{0xb0})
      .put(std::uint64_t{0x5a0})
      .put(std::uint64_t{0x1111});
  b.put(std::uint64_t{16});
  for (int i = 0; i < 16; ++i) b.put(static_cast<std::uint8_t>(i));
  b.put(std::uint64_t{8});  // dyn_size: only 8 bytes were really copied
  Profile p;
  ASSERT_TRUE(parse_record(b.done(), RecordLayout{type, 3, mask}, p));
  const auto& s = p.samples.at(0);
  EXPECT_EQ(s.bp, 0xb0U);
  EXPECT_EQ(s.sp, 0x5a0U);
  EXPECT_EQ(s.ip, 0x1111U);
  EXPECT_EQ(s.stack.size(), 8U);
  EXPECT_EQ(s.stack[7], 7);
}

TEST(RecordParser, Mmap2WithBuildIdAndTrailerTime) {
  Builder b(PERF_RECORD_MMAP2, PERF_RECORD_MISC_MMAP_BUILD_ID);
  b.put(std::uint32_t{42}).put(std::uint32_t{42}).put(std::uint64_t{0x400000}).put(std::uint64_t{0x2000});
  b.put(std::uint64_t{0x1000});
  std::uint8_t id[24] = {3, 0, 0, 0, 0xab, 0xcd, 0xef};
  b.put(id).put(std::uint32_t{5}).put(std::uint32_t{2});
  b.str("/usr/bin/thing").trailer(42, 777);
  Profile p;
  ASSERT_TRUE(parse_record(b.done(), RecordLayout{kType, 0, 0}, p));
  ASSERT_EQ(p.mappings.size(), 1U);
  EXPECT_EQ(p.mappings[0].path, "/usr/bin/thing");
  EXPECT_EQ(p.mappings[0].start, 0x400000U);
  EXPECT_EQ(p.mappings[0].pgoff, 0x1000U);
  EXPECT_EQ(p.mappings[0].build_id, "abcdef");
  EXPECT_EQ(p.mappings[0].t_ns, 777);
}

TEST(RecordParser, CommForkLostThrottleAreCounted) {
  Profile p;
  const RecordLayout l{kType, 0, 0};
  ASSERT_TRUE(parse_record(Builder(PERF_RECORD_COMM, PERF_RECORD_MISC_COMM_EXEC)
                               .put(std::uint32_t{7})
                               .put(std::uint32_t{8})
                               .str("worker")
                               .trailer(7, 9)
                               .done(),
                           l, p));
  ASSERT_TRUE(parse_record(Builder(PERF_RECORD_FORK)
                               .put(std::uint32_t{9})
                               .put(std::uint32_t{7})
                               .put(std::uint32_t{9})
                               .put(std::uint32_t{8})
                               .put(std::uint64_t{99})
                               .trailer(9, 99)
                               .done(),
                           l, p));
  ASSERT_TRUE(
      parse_record(Builder(PERF_RECORD_LOST).put(std::uint64_t{1}).put(std::uint64_t{25}).trailer(7, 1).done(), l, p));
  ASSERT_TRUE(parse_record(Builder(PERF_RECORD_THROTTLE)
                               .put(std::uint64_t{1})
                               .put(std::uint64_t{1})
                               .put(std::uint64_t{1})
                               .trailer(7, 1)
                               .done(),
                           l, p));
  ASSERT_EQ(p.tasks.size(), 2U);
  EXPECT_EQ(p.tasks[0].comm, "worker");
  EXPECT_TRUE(p.tasks[0].exec);
  EXPECT_EQ(p.tasks[0].t_ns, 9);
  EXPECT_EQ(p.tasks[1].kind, TaskEvent::Kind::fork);
  EXPECT_EQ(p.tasks[1].ppid, 7);
  EXPECT_EQ(p.lost_samples, 25U);
  EXPECT_EQ(p.lost_records, 1U);
  EXPECT_EQ(p.throttled, 1U);
}

TEST(RecordParser, TruncatedRecordsAreRefused) {
  Builder b(PERF_RECORD_SAMPLE);
  b.put(std::uint64_t{0x1111}).put(std::uint32_t{10});
  auto bytes = b.done();
  Profile p;
  EXPECT_FALSE(parse_record(bytes, RecordLayout{kType, 0, 0}, p));
  EXPECT_TRUE(p.samples.empty());
  bytes.resize(4);
  EXPECT_FALSE(parse_record(bytes, RecordLayout{kType, 0, 0}, p));
}

TEST(RecordParser, SwitchRecordsSayWhoWhenAndWhetherPreempted) {
  Profile p;
  const RecordLayout l{kType, 0, 0};
  // Trailer for kType: pid/tid, time, cpu/res.
  ASSERT_TRUE(parse_record(Builder(PERF_RECORD_SWITCH, PERF_RECORD_MISC_SWITCH_OUT)
                               .put(std::uint32_t{5})
                               .put(std::uint32_t{6})
                               .put(std::uint64_t{1000})
                               .put(std::uint64_t{0})
                               .done(),
                           l, p));
  ASSERT_TRUE(
      parse_record(Builder(PERF_RECORD_SWITCH, PERF_RECORD_MISC_SWITCH_OUT | PERF_RECORD_MISC_SWITCH_OUT_PREEMPT)
                       .trailer(5, 2000)
                       .done(),
                   l, p));
  ASSERT_TRUE(parse_record(Builder(PERF_RECORD_SWITCH).trailer(5, 3000).done(), l, p));
  ASSERT_EQ(p.switches.size(), 3U);
  EXPECT_EQ(p.switches[0].pid, 5);
  EXPECT_EQ(p.switches[0].tid, 6);
  EXPECT_EQ(p.switches[0].t_ns, 1000);
  EXPECT_TRUE(p.switches[0].out);
  EXPECT_FALSE(p.switches[0].preempted);
  EXPECT_TRUE(p.switches[1].preempted);
  EXPECT_FALSE(p.switches[2].out);
  EXPECT_EQ(p.unknown_records, 0U);
}

TEST(RecordParser, WaitSamplesFindTheirLayoutByIdAndReadPrevState) {
  constexpr std::uint64_t kWait = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
                                  PERF_SAMPLE_CPU | PERF_SAMPLE_CALLCHAIN;
  RecordLayout tp{kWait | PERF_SAMPLE_RAW, 0, 0};
  tp.state_offset = 8;
  RecordLayout fault{kWait, 0, 0};
  fault.wait_kind = WaitSample::Kind::major_fault;
  const WaitLayouts layouts{{41, tp}, {42, fault}};
  const auto head = [](Builder& b, std::uint64_t id, std::uint64_t t) {
    b.put(id).put(std::uint64_t{0x1111}).put(std::uint32_t{3}).put(std::uint32_t{4}).put(t);
    b.put(std::uint64_t{0});                                                        // cpu, res
    b.put(std::uint64_t{2}).put(std::uint64_t{0x1111}).put(std::uint64_t{0x2222});  // callchain
  };
  Profile p;
  Builder sleeping(PERF_RECORD_SAMPLE);
  head(sleeping, 41, 500);
  sleeping.put(std::uint32_t{20});  // raw: common fields (8), prev_state (8), 4 more bytes
  sleeping.put(std::uint64_t{0}).put(std::int64_t{1}).put(std::uint32_t{0});
  ASSERT_TRUE(parse_wait_record(sleeping.done(), layouts, p));
  Builder faulted(PERF_RECORD_SAMPLE);
  head(faulted, 42, 600);
  ASSERT_TRUE(parse_wait_record(faulted.done(), layouts, p));
  Builder unknown_id(PERF_RECORD_SAMPLE);
  head(unknown_id, 43, 700);
  EXPECT_FALSE(parse_wait_record(unknown_id.done(), layouts, p));
  ASSERT_TRUE(
      parse_wait_record(Builder(PERF_RECORD_LOST).put(std::uint64_t{41}).put(std::uint64_t{9}).done(), layouts, p));
  ASSERT_EQ(p.waits.size(), 2U);
  EXPECT_EQ(p.waits[0].kind, WaitSample::Kind::switch_out);
  EXPECT_EQ(p.waits[0].state, WaitState::sleeping);
  EXPECT_EQ(p.waits[0].sample.tid, 4);
  EXPECT_EQ(p.waits[0].sample.t_ns, 500);
  EXPECT_EQ(p.waits[0].sample.callchain, (std::vector<std::uint64_t>{0x1111, 0x2222}));
  EXPECT_EQ(p.waits[1].kind, WaitSample::Kind::major_fault);
  EXPECT_EQ(p.waits[1].state, WaitState::unknown);
  EXPECT_EQ(p.lost_waits, 9U);
  EXPECT_TRUE(p.samples.empty());
}

// A sched_switch sample as the wait events ask for it: registers and a stack copy, no kernel chain.
// The copy holds two frame records: at 0x1010 (saved BP 0x1030, return 0xa1) and at 0x1030 (saved BP
// 0x4000, outside the copy, return 0xa2).
TEST(RecordParser, WaitSamplesWalkTheFramePointerChainInTheirStackCopy) {
  constexpr std::uint64_t kWait = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
                                  PERF_SAMPLE_CPU | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
  RecordLayout l{kWait, 3, (1ULL << 6) | (1ULL << 7) | (1ULL << 8)};
  l.kept_stack_bytes = 32;
  const WaitLayouts layouts{{7, l}};
  Builder b(PERF_RECORD_SAMPLE);
  b.put(std::uint64_t{7}).put(std::uint64_t{0xffffffff81000000}).put(std::uint32_t{3}).put(std::uint32_t{4});
  b.put(std::uint64_t{500}).put(std::uint64_t{0});                           // time, cpu/res
  b.put(std::uint64_t{PERF_SAMPLE_REGS_ABI_64}).put(std::uint64_t{0x1010});  // bp
  b.put(std::uint64_t{0x1000}).put(std::uint64_t{0xa0});                     // sp, ip
  std::vector<std::uint64_t> stack(8, 0);                                    // 0x1000..0x1040
  stack[2] = 0x1030;
  stack[3] = 0xa1;
  stack[6] = 0x4000;
  stack[7] = 0xa2;
  b.put(std::uint64_t{stack.size() * 8});
  for (const auto w : stack) b.put(w);
  b.put(std::uint64_t{stack.size() * 8});  // dyn_size
  Profile p;
  ASSERT_TRUE(parse_wait_record(b.done(), layouts, p));
  const auto& s = p.waits.at(0).sample;
  EXPECT_EQ(s.ip, 0xa0U);  // the user ip, not the tracepoint's kernel ip
  EXPECT_EQ(s.callchain, (std::vector<std::uint64_t>{0xa0, 0xa1, 0xa2}));
  EXPECT_EQ(s.stack.size(), 32U);  // the walk read the whole copy; the sample keeps its head
}

TEST(RecordParser, FramePointerChainStopsAtTheCopysEndAZeroReturnOr127Entries) {
  std::vector<std::uint64_t> words{0x1010, 0xb1, 0x1020, 0xb2, 0, 0};  // at 0x1000: records at 0x1000, 0x1010
  const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(words.data()), words.size() * 8);
  // The record at 0x1020 returns to 0: the outermost frame.
  EXPECT_EQ(frame_pointer_chain(0xa0, 0x1000, 0x1000, bytes), (std::vector<std::uint64_t>{0xa0, 0xb1, 0xb2}));
  EXPECT_EQ(frame_pointer_chain(0xa0, 0x1000, 0x1000, bytes.first(24)), (std::vector<std::uint64_t>{0xa0, 0xb1}));
  EXPECT_EQ(frame_pointer_chain(0xa0, 0x1000, 0x0ff8, bytes), (std::vector<std::uint64_t>{0xa0}));  // below sp
  std::vector<std::uint64_t> loop{0x1000, 0xb1};  // a record that points at itself
  const auto looped = std::span(reinterpret_cast<const std::uint8_t*>(loop.data()), loop.size() * 8);
  EXPECT_EQ(frame_pointer_chain(0xa0, 0x1000, 0x1000, looped).size(), 127U);
}

TEST(RecordParser, PrevStateBitsAsWaitStates) {
  EXPECT_EQ(wait_state(0), WaitState::runnable);      // R: yielded
  EXPECT_EQ(wait_state(0x100), WaitState::runnable);  // R+: preempted
  EXPECT_EQ(wait_state(1), WaitState::sleeping);      // S
  EXPECT_EQ(wait_state(2), WaitState::disk);          // D
  EXPECT_EQ(wait_state(4), WaitState::other);         // T
  EXPECT_EQ(wait_state(-1), WaitState::unknown);
}

}  // namespace
}  // namespace perfprobe::sampling
