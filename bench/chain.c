/* chain SECONDS: CPU work for about SECONDS seconds under a call chain eight functions deep with
 * a few branches, so that recordings carry realistic call chains and stack copies. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))
static volatile unsigned long sink;

NOINLINE static unsigned long leaf(unsigned long x, int n) {
  for (int i = 0; i < n; ++i) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; }
  return x;
}
NOINLINE static unsigned long level3(unsigned long x) { return leaf(x, 2000) + leaf(x + 1, 500); }
NOINLINE static unsigned long level2(unsigned long x) { return level3(x) ^ leaf(x, 300); }
NOINLINE static unsigned long level1(unsigned long x, int k) { return k & 1 ? level2(x) : level3(x); }
NOINLINE static unsigned long work(unsigned long x, int k) { return level1(x, k) + level1(x ^ 5, k + 1); }
NOINLINE static unsigned long batch(unsigned long x) {
  for (int k = 0; k < 64; ++k) x = work(x, k);
  return x;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? atof(argv[1]) : 1.0;
  const double end = now() + seconds;
  unsigned long x = 88172645463325252UL;
  while (now() < end) x = batch(x);
  sink = x;
  printf("%lu\n", x);
  return 0;
}
