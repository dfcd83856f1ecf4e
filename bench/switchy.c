/* switchy N: two threads hand a token back and forth N times through a pipe each way, so each
 * hand-over is a sleep and a wake-up: 2N context switches of fixed work. What off-CPU recording
 * costs shows in its wall time. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static int ping[2], pong[2];
static long rounds;
static void* echo(void* arg) {
  (void)arg;
  char c;
  for (long i = 0; i < rounds; ++i) {
    if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1) break;
  }
  return 0;
}
int main(int argc, char** argv) {
  rounds = argc > 1 ? atol(argv[1]) : 100000;
  if (pipe(ping) != 0 || pipe(pong) != 0) return 1;
  pthread_t t;
  pthread_create(&t, 0, echo, 0);
  char c = 'x';
  for (long i = 0; i < rounds; ++i) {
    if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1) break;
  }
  pthread_join(t, 0);
  printf("%ld\n", rounds);
  return 0;
}
