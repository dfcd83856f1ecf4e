/* busy N: a fixed amount of CPU work (N million iterations of a dependent integer chain), so
 * that any slowdown caused by the measuring tool shows in its wall time. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  unsigned long n = (argc > 1 ? strtoul(argv[1], 0, 10) : 1000) * 1000000UL;
  unsigned long x = 88172645463325252UL;
  for (unsigned long i = 0; i < n; ++i) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; }
  printf("%lu\n", x); /* keeps the chain alive under -O2 */
  return 0;
}
