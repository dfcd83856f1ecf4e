/* toy_llm: an inference-shaped demo target for perfprobe.
 *
 * It does real CPU work in the shape of an LLM runner:
 *   1. "model load": creates a weights file if missing, maps it and reads every page
 *      (file-backed RSS), then allocates and initialises a KV cache (anonymous RSS);
 *   2. "ready" line on stderr;
 *   3. generation: one token per step, each a matrix-vector product over the weights, printed and
 *      flushed one at a time on stdout.
 *
 * Usage: toy_llm [--prompt TEXT] [--tokens N] [--weights PATH] [--weights-mb N] [--kv-mb N] [--layers N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "perfprobe/marker.h" /* readiness, phases and tokens for perfprobe: ~50 ns a mark */

static const char* const kWords[] = {"the", "model", "thinks", "about", "tokens", "and", "prints",
                                     "them", "one", "by", "slowly", "while", "perfprobe", "watches"};

static int create_weights(const char* path, size_t bytes) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  float* block = malloc(1 << 20);
  if (!block) return -1;
  uint32_t x = 2463534242u;
  for (size_t done = 0; done < bytes; done += 1 << 20) {
    for (size_t i = 0; i < (1 << 20) / sizeof(float); ++i) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5; /* xorshift: cheap, deterministic weights */
      block[i] = (float)(x & 0xffff) / 65536.0f - 0.5f;
    }
    size_t n = bytes - done < (1 << 20) ? bytes - done : (1 << 20);
    if (write(fd, block, n) != (ssize_t)n) { free(block); close(fd); return -1; }
  }
  free(block);
  return close(fd);
}

/* One "layer": y = W x over a slice of the weights; returns a checksum that picks the next token. */
static float matvec(const float* w, size_t rows, size_t cols, const float* x, float* y) {
  float sum = 0;
  for (size_t r = 0; r < rows; ++r) {
    float acc = 0;
    const float* row = w + r * cols;
    for (size_t c = 0; c < cols; ++c) acc += row[c] * x[c];
    y[r] = acc;
    sum += acc;
  }
  return sum;
}

int main(int argc, char** argv) {
  const char* prompt = "hi";
  const char* weights = NULL;
  long tokens = 32, weights_mb = 64, kv_mb = 32, layers = 8;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--prompt") && i + 1 < argc) prompt = argv[++i];
    else if (!strcmp(argv[i], "--tokens") && i + 1 < argc) tokens = atol(argv[++i]);
    else if (!strcmp(argv[i], "--weights") && i + 1 < argc) weights = argv[++i];
    else if (!strcmp(argv[i], "--weights-mb") && i + 1 < argc) weights_mb = atol(argv[++i]);
    else if (!strcmp(argv[i], "--kv-mb") && i + 1 < argc) kv_mb = atol(argv[++i]);
    else if (!strcmp(argv[i], "--layers") && i + 1 < argc) layers = atol(argv[++i]);
    else { fprintf(stderr, "usage: %s [--prompt TEXT] [--tokens N] [--weights PATH] [--weights-mb N] [--kv-mb N] [--layers N]\n", argv[0]); return 2; }
  }
  if (tokens < 0 || weights_mb < 1 || kv_mb < 0 || layers < 1) { fprintf(stderr, "toy_llm: bad numbers\n"); return 2; }
  char default_path[256];
  if (!weights) {
    const char* tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(default_path, sizeof default_path, "%s/toy_llm-%ldMiB.weights", tmp, weights_mb);
    weights = default_path;
  }
  const size_t bytes = (size_t)weights_mb << 20;

  /* --- model load --- */
  PERFPROBE_PHASE_BEGIN("load");
  struct stat st;
  if (stat(weights, &st) != 0 || (size_t)st.st_size != bytes) {
    if (create_weights(weights, bytes) != 0) { fprintf(stderr, "toy_llm: cannot create %s: %s\n", weights, strerror(errno)); return 1; }
  }
  int fd = open(weights, O_RDONLY);
  if (fd < 0) { fprintf(stderr, "toy_llm: cannot open %s: %s\n", weights, strerror(errno)); return 1; }
  const float* w = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (w == MAP_FAILED) { fprintf(stderr, "toy_llm: mmap failed: %s\n", strerror(errno)); return 1; }
  volatile float touch = 0;
  for (size_t off = 0; off < bytes / sizeof(float); off += 4096 / sizeof(float)) touch += w[off];
  size_t kv_bytes = (size_t)kv_mb << 20;
  char* kv = kv_bytes ? malloc(kv_bytes) : NULL;
  if (kv_bytes && !kv) { fprintf(stderr, "toy_llm: out of memory\n"); return 1; }
  if (kv) memset(kv, 1, kv_bytes);
  PERFPROBE_PHASE_END("load");
  PERFPROBE_READY();
  fprintf(stderr, "ready: %ld MiB of weights, prompt '%s'\n", weights_mb, prompt);

  /* --- generation --- */
  const size_t cols = 1024, total_rows = bytes / sizeof(float) / cols;
  const size_t rows = total_rows < 2048 ? total_rows : 2048; /* one token reads 8 MiB of weights */
  float* x = malloc(cols * sizeof(float));
  float* y = malloc(rows * sizeof(float));
  if (!x || !y) return 1;
  for (size_t c = 0; c < cols; ++c) x[c] = (float)(c % 7) / 7.0f;
  unsigned seed = (unsigned)strlen(prompt);
  PERFPROBE_PHASE_BEGIN("generate");
  for (long t = 0; t < tokens; ++t) {
    /* One token runs every "layer": a matrix-vector product over 8 MiB of weights each. */
    float s = 0;
    for (long l = 0; l < layers; ++l) {
      size_t slice = ((size_t)(t * layers + l) * rows) % (total_rows - rows + 1);
      s += matvec(w + slice * cols, rows, cols, x, y);
    }
    for (size_t c = 0; c < cols; ++c) x[c] = y[c % rows] * 0.001f;
    seed = seed * 1103515245u + 12345u + (unsigned)(s != s ? 0 : 1);
    PERFPROBE_TOKEN();
    printf("%s%s", t ? " " : "", kWords[(seed >> 16) % (sizeof kWords / sizeof kWords[0])]);
    fflush(stdout);
  }
  PERFPROBE_PHASE_END("generate");
  printf("\n");
  free(x); free(y); free(kv);
  munmap((void*)w, bytes);
  return (int)(touch * 0);
}
