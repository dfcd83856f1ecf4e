/* Cost of a function probe per hit, in ns: a plain function called N times, timed from inside.
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

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char** argv) {
  const long n = argc > 1 ? atol(argv[1]) : 20000;
  const double t0 = now_ns();
  for (long i = 0; i < n; ++i) bench_hit(i);
  const double t1 = now_ns();
  printf("%.1f ns per call (%ld calls)\n", (t1 - t0) / (double)n, n);
  return 0;
}
