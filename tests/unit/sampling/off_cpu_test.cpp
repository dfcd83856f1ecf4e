// Off-CPU intervals from hand-made switch records: pairing, reasons, the wait's sample, the edges
// of a thread's life and of the recording.
#include <gtest/gtest.h>

#include "perfprobe/sampling/off_cpu.hpp"

namespace perfprobe::sampling {
namespace {

constexpr std::int64_t kMs = 1'000'000;

Switch out(std::int64_t t, pid_t tid, bool preempted = false) { return {t, 1, tid, true, preempted}; }
Switch in(std::int64_t t, pid_t tid) { return {t, 1, tid, false, false}; }

WaitSample wait_at(std::int64_t t, pid_t tid, WaitState state, WaitSample::Kind kind = WaitSample::Kind::switch_out) {
  WaitSample w;
  w.kind = kind;
  w.state = state;
  w.sample.t_ns = t;
  w.sample.pid = 1;
  w.sample.tid = tid;
  w.sample.callchain = {0x1000};
  return w;
}

std::vector<WaitInterval> intervals(const Profile& p) { return wait_intervals(p, thread_spans(p)); }

TEST(OffCpu, OverlapOfIntervals) {
  EXPECT_EQ(overlap_ns(0, 10, 5, 20), 5);
  EXPECT_EQ(overlap_ns(5, 20, 0, 10), 5);
  EXPECT_EQ(overlap_ns(0, 10, 2, 3), 1);
  EXPECT_EQ(overlap_ns(0, 10, 10, 20), 0);  // half-open: touching is not overlapping
  EXPECT_EQ(overlap_ns(0, 10, 20, 30), 0);
}

TEST(OffCpu, SwitchOutPairsWithTheNextSwitchIn) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  p.switches = {out(10 * kMs, 7), in(15 * kMs, 7), out(20 * kMs, 7, true), in(21 * kMs, 7)};
  const auto w = intervals(p);
  ASSERT_EQ(w.size(), 2U);
  EXPECT_EQ(w[0].start_ns, 10 * kMs);
  EXPECT_EQ(w[0].end_ns, 15 * kMs);
  EXPECT_EQ(w[0].reason, OffCpuReason::unknown);  // no sample says why: the privilege did not allow it
  EXPECT_EQ(w[0].wait, -1);
  EXPECT_EQ(w[1].reason, OffCpuReason::runnable);  // preempted
  EXPECT_EQ(w[1].tid, 7);
}

TEST(OffCpu, TheWaitSampleGivesStateAndChain) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  p.switches = {out(10 * kMs, 7), in(15 * kMs, 7),  out(20 * kMs, 7),
                in(30 * kMs, 7),  out(40 * kMs, 7), in(41 * kMs, 7)};
  p.waits = {wait_at(10 * kMs - 2000, 7, WaitState::sleeping), wait_at(20 * kMs - 1000, 7, WaitState::disk),
             wait_at(40 * kMs, 7, WaitState::runnable)};
  const auto w = intervals(p);
  ASSERT_EQ(w.size(), 3U);
  EXPECT_EQ(w[0].reason, OffCpuReason::sleep);
  EXPECT_EQ(w[0].wait, 0);
  EXPECT_EQ(w[1].reason, OffCpuReason::io);
  EXPECT_EQ(w[1].wait, 1);
  EXPECT_EQ(w[2].reason, OffCpuReason::runnable);  // sched_yield: left the CPU while runnable
}

TEST(OffCpu, AMajorFaultRightAfterTheWakeExplainsTheWait) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  p.switches = {out(10 * kMs, 7), in(12 * kMs, 7), out(20 * kMs, 7), in(22 * kMs, 7)};
  // A fault counted 20 µs after the first wake; the second wait is followed by none soon enough.
  p.waits = {wait_at(12 * kMs + 20'000, 7, WaitState::unknown, WaitSample::Kind::major_fault),
             wait_at(25 * kMs, 7, WaitState::unknown, WaitSample::Kind::major_fault)};
  const auto w = intervals(p);
  ASSERT_EQ(w.size(), 2U);
  EXPECT_EQ(w[0].reason, OffCpuReason::major_fault);
  EXPECT_EQ(w[0].wait, 0);  // the fault's chain stands for the wait's
  EXPECT_EQ(w[1].reason, OffCpuReason::unknown);
}

TEST(OffCpu, AFaultNeverTurnsASleepOrAPreemptionIntoIo) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  p.switches = {out(10 * kMs, 7, true), in(12 * kMs, 7), out(20 * kMs, 7), in(22 * kMs, 7)};
  p.waits = {wait_at(20 * kMs, 7, WaitState::sleeping),
             wait_at(12 * kMs + 10, 7, WaitState::unknown, WaitSample::Kind::major_fault),
             wait_at(22 * kMs + 10, 7, WaitState::unknown, WaitSample::Kind::major_fault)};
  const auto w = intervals(p);
  ASSERT_EQ(w.size(), 2U);
  EXPECT_EQ(w[0].reason, OffCpuReason::runnable);
  EXPECT_EQ(w[1].reason, OffCpuReason::sleep);
}

TEST(OffCpu, EdgesOfAThreadsLifeAndOfTheRecording) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  // Thread 8 is created at 5 ms and first runs at 6 ms: it waited for a CPU. It exits at 50 ms,
  // after a last switch-out at 30 ms with no switch-in (the recording lost it): off CPU to its exit.
  p.tasks.push_back({TaskEvent::Kind::fork, 5 * kMs, 1, 8, 1, 7, "", false});
  p.tasks.push_back({TaskEvent::Kind::exit, 50 * kMs, 1, 8, 1, 7, "", false});
  // Thread 9 existed before (an attach) and is first seen coming back at 3 ms; its last
  // switch-out at 90 ms lasts to the end of the recording.
  p.switches = {in(6 * kMs, 8), out(30 * kMs, 8), in(3 * kMs, 9), out(90 * kMs, 9)};
  const auto spans = thread_spans(p);
  ASSERT_EQ(spans.size(), 2U);
  EXPECT_EQ(spans[0].start_ns, 5 * kMs);
  EXPECT_EQ(spans[0].end_ns, 50 * kMs);
  EXPECT_EQ(spans[1].start_ns, 0);
  EXPECT_EQ(spans[1].end_ns, 100 * kMs);
  const auto w = wait_intervals(p, spans);
  ASSERT_EQ(w.size(), 4U);
  EXPECT_EQ(w[0].start_ns, 5 * kMs);
  EXPECT_EQ(w[0].end_ns, 6 * kMs);
  EXPECT_EQ(w[0].reason, OffCpuReason::runnable);
  EXPECT_EQ(w[1].start_ns, 30 * kMs);
  EXPECT_EQ(w[1].end_ns, 50 * kMs);
  EXPECT_EQ(w[2].start_ns, 0);
  EXPECT_EQ(w[2].end_ns, 3 * kMs);
  EXPECT_EQ(w[2].reason, OffCpuReason::unknown);
  EXPECT_EQ(w[3].start_ns, 90 * kMs);
  EXPECT_EQ(w[3].end_ns, 100 * kMs);
}

TEST(OffCpu, AThreadAsleepAtBothEndsOfAnAttachWithoutSwitchesWaitedThroughout) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  // Attached threads: 5 sleeps at both ends, 6 is in D at both, 7 ran (R at the end), 8 slept at
  // the start and ran from 40 ms, 9 has no state read (an older file): no switch for 5, 6, 7, 9.
  p.window_states = {{1, 5, 'S', 'S'}, {1, 6, 'D', 'D'}, {1, 7, 'S', 'R'}, {1, 8, 'S', 'R'}};
  p.tasks.push_back({TaskEvent::Kind::comm, 0, 1, 9, 0, 0, "t", false});
  p.switches = {in(40 * kMs, 8)};
  const auto w = intervals(p);
  ASSERT_EQ(w.size(), 3U);
  EXPECT_EQ(w[0].tid, 5);
  EXPECT_EQ(w[0].start_ns, 0);
  EXPECT_EQ(w[0].end_ns, 100 * kMs);
  EXPECT_EQ(w[0].reason, OffCpuReason::sleep);
  EXPECT_EQ(w[1].tid, 6);
  EXPECT_EQ(w[1].reason, OffCpuReason::io);
  EXPECT_EQ(w[2].tid, 8);  // found asleep, first seen coming back: its wait was a sleep
  EXPECT_EQ(w[2].end_ns, 40 * kMs);
  EXPECT_EQ(w[2].reason, OffCpuReason::sleep);
}

TEST(OffCpu, LostRecordsNeverMakeNegativeOrDoubleIntervals) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  // out, out (the switch-in between lost): only the later one counts; in, in: nothing.
  p.switches = {out(10 * kMs, 7), out(20 * kMs, 7), in(25 * kMs, 7),
                in(30 * kMs, 7),  out(40 * kMs, 7), in(45 * kMs, 7)};
  const auto w = intervals(p);
  ASSERT_EQ(w.size(), 2U);
  EXPECT_EQ(w[0].start_ns, 20 * kMs);
  EXPECT_EQ(w[0].end_ns, 25 * kMs);
  EXPECT_EQ(w[1].start_ns, 40 * kMs);
}

TEST(OffCpu, ThreadsAreKeptApart) {
  Profile p;
  p.off_cpu.end_ns = 100 * kMs;
  p.switches = {out(10 * kMs, 7), out(11 * kMs, 8), in(12 * kMs, 8), in(15 * kMs, 7)};
  p.waits = {wait_at(11 * kMs, 8, WaitState::disk), wait_at(10 * kMs, 7, WaitState::sleeping)};
  const auto w = intervals(p);
  ASSERT_EQ(w.size(), 2U);
  EXPECT_EQ(w[0].tid, 7);
  EXPECT_EQ(w[0].end_ns - w[0].start_ns, 5 * kMs);
  EXPECT_EQ(w[0].reason, OffCpuReason::sleep);
  EXPECT_EQ(w[1].tid, 8);
  EXPECT_EQ(w[1].reason, OffCpuReason::io);
}

}  // namespace
}  // namespace perfprobe::sampling
