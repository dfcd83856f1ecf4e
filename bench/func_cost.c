/* Cost of a function probe per hit, in ns: a plain function called N times, timed from inside, in the
 * thread's CPU time (user + kernel, which includes the probe's trap) as well as wall time: on a shared
 * machine a trap often ends in a reschedule, which inflates wall time but not CPU time.
 * Attach a probe to bench_hit with any tool and compare with the unprobed run (bench/function_probes.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile long bench_sink;
__attribute__((noinline)) long bench_hit(long i) {
  bench_sink += i;
  __asm__ volatile("" ::: "memory");
  return i;
}

static double now_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char** argv) {
  const long n = argc > 1 ? atol(argv[1]) : 20000;
  const double c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  const double t0 = now_ns(CLOCK_MONOTONIC);
  for (long i = 0; i < n; ++i) bench_hit(i);
  const double t1 = now_ns(CLOCK_MONOTONIC);
  const double c1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  printf("%8.1f ns CPU per call, %10.1f ns wall (%ld calls)\n", (c1 - c0) / (double)n, (t1 - t0) / (double)n, n);
  return 0;
}
