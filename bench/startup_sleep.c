/* A program whose startup is known: it sleeps MS milliseconds (fractions allowed), says ready through
 * the marker API, and exits. bench/gate-false-alarms.sh makes a "10% slower startup" out of it.
 * Usage: startup_sleep MS */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>

#include "perfprobe/marker.h"

int main(int argc, char** argv) {
  const double ms = argc > 1 ? atof(argv[1]) : 20.0;
  struct timespec t = {(time_t)(ms / 1000), (long)((ms - 1000.0 * (long)(ms / 1000)) * 1e6)};
  while (clock_nanosleep(CLOCK_MONOTONIC, 0, &t, &t) != 0) {
  }
  PERFPROBE_READY();
  return 0;
}
