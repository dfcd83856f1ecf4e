/* Cost of one mark, in ns: PERFPROBE_MARK with and without perfprobe, and an SDT probe for comparison
 * (attach it with `perfprobe run --usdt bench:probe` as root to see the uprobe cost per hit).
 *   cc -O2 -I include bench/marker_cost.c -o /tmp/marker_cost
 *   /tmp/marker_cost                                # no perfprobe: the disabled path
 *   perfprobe run -q -- /tmp/marker_cost            # the shared-memory ring (marks beyond the ring drop)
 *   sudo perfprobe run -q --usdt bench:probe -- /tmp/marker_cost sdt */
#include <stdio.h>
#include <string.h>
#include <sys/sdt.h>
#include <time.h>

#include "perfprobe/marker.h"

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char** argv) {
  const int sdt = argc > 1 && strcmp(argv[1], "sdt") == 0;
  const long n = 20000; /* below the ring's 65536 records, so no mark is dropped */
  const double t0 = now_ns();
  for (long i = 0; i < n; ++i) {
    if (sdt) {
      STAP_PROBE1(bench, probe, i);
    } else {
      PERFPROBE_MARK("bench");
    }
  }
  const double t1 = now_ns();
  printf("%s: %.1f ns per event (%ld events)\n", sdt ? "sdt probe" : "PERFPROBE_MARK", (t1 - t0) / (double)n, n);
  return 0;
}
