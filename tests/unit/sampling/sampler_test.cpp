// The sampler on this very process's thread (attached mode): samples with call chains, side-band
// records, rebased times.
#include <sys/syscall.h>
#include <unistd.h>

#include <ctime>

#include <gtest/gtest.h>

#include "perfprobe/sampling/sampler.hpp"
#include "perfprobe/sys/clock.hpp"

namespace perfprobe::sampling {
namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Burns `ms` of this thread's CPU time (not wall time: the machine may be loaded).
__attribute__((noinline)) unsigned long burn(double ms) {
  volatile unsigned long x = 0;
  const double end = thread_cpu_ms() + ms;
  while (thread_cpu_ms() < end) {
    for (int i = 0; i < 10000; ++i) x = x + static_cast<unsigned long>(i);
  }
  return x;
}

TEST(Sampler, SamplesThisThreadAtAboutTheAskedFrequency) {
  SamplerOptions o;
  o.frequency_hz = 1000;
  // Frame-pointer mode, as the stack assertion below expects: the default (auto) copies 8 KiB stacks
  // for this -O3 test binary without frame pointers, which fills the undrained ring within 200 ms.
  o.call_graph = CallGraph::fp;
  const auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
  // Time zero before the sampler exists: its events sample from their opening (not on exec), and
  // opening them takes milliseconds under the sanitizers.
  const std::int64_t t0 = sys::monotonic_ns();
  Sampler sampler(o, {tid}, false);
  EXPECT_TRUE(sampler.config().event == "cpu-clock" || sampler.config().event == "cycles");
  (void)burn(200);
  sampler.disable();
  Profile p;
  sampler.drain(p);
  rebase_times(p, t0);
  ASSERT_GT(p.samples.size(), 60U) << "200 ms of CPU at 1 kHz";
  EXPECT_LT(p.samples.size(), 400U);
  for (const auto& s : p.samples) {
    EXPECT_EQ(s.tid, tid);
    EXPECT_FALSE(s.callchain.empty());
    EXPECT_GE(s.t_ns, 0);
    EXPECT_LT(s.t_ns, 5'000'000'000);
    EXPECT_EQ(s.ip, s.callchain.front());
    EXPECT_FALSE(s.stack.empty()) << "fp mode copies a small stack for frameless leaves";
  }
  EXPECT_EQ(p.lost_samples, 0U);
}

TEST(Sampler, RingsShrinkInsteadOfFailingOnAHugeRequest) {
  SamplerOptions o;
  o.ring_pages = 1 << 16;  // 256 MiB per CPU: over any unprivileged budget, and large for root
  const auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
  if (::geteuid() == 0) GTEST_SKIP() << "root has no mlock budget to exceed";
  Sampler sampler(o, {tid}, false);
  EXPECT_LT(sampler.config().ring_pages, 1U << 16);
  EXPECT_FALSE(sampler.notes().empty());
}

}  // namespace
}  // namespace perfprobe::sampling
