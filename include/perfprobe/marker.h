/* perfprobe's marker API: header-only, C99 and C++. Tell perfprobe when a program is ready, where its
 * phases begin and end, and when each token comes out:
 *
 *   PERFPROBE_READY();                 PERFPROBE_TOKEN();
 *   PERFPROBE_PHASE_BEGIN("load");     PERFPROBE_PHASE_END("load");
 *   PERFPROBE_MARK("kv_cache_full");
 *
 * Names must be string literals (at most 55 bytes). Under `perfprobe run` each mark is counted and
 * written to a shared-memory ring whose descriptor perfprobe hands over in PERFPROBE_MARKER_FD: about
 * 50 ns, no system call, no privilege; when the ring is full the record is dropped (the count stays
 * exact), never blocking. READY and PHASE marks are rare, so they wake perfprobe and wait (bounded)
 * for its RSS and counter snapshot of that instant (docs/markers.md). Outside perfprobe a mark costs
 * one predictable branch. Each macro also emits an SDT note (provider
 * "perfprobe"), so `perfprobe run --usdt perfprobe:*`, bpftrace and perf see them too.
 * Define PERFPROBE_NO_SDT to leave the SDT notes out; they are also left out without <sys/sdt.h>.
 * Thread-safe and fork-safe (children keep writing to the same ring; exec'd children reopen it). */
#ifndef PERFPROBE_MARKER_H
#define PERFPROBE_MARKER_H

#include <linux/futex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if !defined(PERFPROBE_NO_SDT) && defined(__has_include)
#if __has_include(<sys/sdt.h>)
#include <sys/sdt.h>
/* sys/sdt.h passes empty variadic arguments, which clang's -Wpedantic reports at every mark of a
 * program built with it: the probe expansions are kept quiet, the program's own code is not. */
#if defined(__clang__)
#define PERFPROBE__SDT_QUIET_BEGIN \
  _Pragma("clang diagnostic push") _Pragma("clang diagnostic ignored \"-Wgnu-zero-variadic-macro-arguments\"")
#define PERFPROBE__SDT_QUIET_END _Pragma("clang diagnostic pop")
#else
#define PERFPROBE__SDT_QUIET_BEGIN
#define PERFPROBE__SDT_QUIET_END
#endif
#define PERFPROBE_SDT_0(name)                             \
  PERFPROBE__SDT_QUIET_BEGIN STAP_PROBE(perfprobe, name); \
  PERFPROBE__SDT_QUIET_END
#define PERFPROBE_SDT_1(name, a)                              \
  PERFPROBE__SDT_QUIET_BEGIN STAP_PROBE1(perfprobe, name, a); \
  PERFPROBE__SDT_QUIET_END
#endif
#endif
#ifndef PERFPROBE_SDT_0
#define PERFPROBE_SDT_0(name) ((void)0)
#define PERFPROBE_SDT_1(name, a) ((void)0)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The shared layout. perfprobe's reader (src/markers/channel.cpp) mirrors it and checks every
 * value it reads from it; bump the version when it changes. Counters are accessed with __atomic
 * builtins; the two futex words are 32-bit. ---- */
#define PERFPROBE_RING_MAGIC 0x50524250u /* "PBRP" */
#define PERFPROBE_RING_VERSION 2u
#define PERFPROBE_NAME_SLOTS 256u
#define PERFPROBE_NAME_BYTES 56u

enum perfprobe_mark_kind {
  PERFPROBE_KIND_MARK = 0,
  PERFPROBE_KIND_READY = 1,
  PERFPROBE_KIND_PHASE_BEGIN = 2,
  PERFPROBE_KIND_PHASE_END = 3,
  PERFPROBE_KIND_TOKEN = 4
};

struct perfprobe_record {
  uint64_t seq;  /* position + 1 once the record is complete (the consumer's commit flag) */
  int64_t t_ns;  /* CLOCK_MONOTONIC, the same clock perfprobe uses */
  uint32_t name; /* index + 1 into the name table, 0 = none */
  uint32_t kind;
  int64_t arg;
};

/* One call site: its name, its kind and how many marks it made (exact even when the ring is full). */
struct perfprobe_name {
  uint32_t ready; /* 1 once text and kind are complete */
  uint32_t kind;
  uint64_t count;
  char text[PERFPROBE_NAME_BYTES];
};

struct perfprobe_ring {
  uint32_t magic, version;
  uint64_t capacity; /* records, a power of two */
  uint64_t head;     /* next position to reserve (producers) */
  uint64_t tail;     /* first position not yet consumed (perfprobe) */
  uint64_t dropped;  /* marks whose record was lost because the ring was full (still counted) */
  uint64_t names_used;
  uint32_t nudge;        /* futex word perfprobe sleeps on: bumped and woken when it should drain now */
  uint32_t acked;        /* futex word: low 32 bits of the last seq perfprobe has taken a snapshot for */
  uint32_t nudge_fill;   /* set by perfprobe: nudge when a mark leaves this many records waiting */
  uint32_t handshake_us; /* set by perfprobe: longest wait of a ready/phase mark for its snapshot, 0 = none */
  uint32_t token_seen;   /* the first token nudges perfprobe (its counter snapshot starts the decode) */
  uint32_t gave_up;      /* a handshake timed out: perfprobe is gone or stuck, never wait again */
  uint64_t reserved[4];
  struct perfprobe_name names[PERFPROBE_NAME_SLOTS];
  /* struct perfprobe_record records[capacity] follows */
};

/* The ring of this process, mapped on first use; (struct perfprobe_ring*)1 when not under perfprobe. */
static inline struct perfprobe_ring* perfprobe__ring(void) {
  static struct perfprobe_ring* cached;
  struct perfprobe_ring* r = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
  if (__builtin_expect(r != 0, 1)) return r;
  struct perfprobe_ring* found = (struct perfprobe_ring*)1;
  const char* env = getenv("PERFPROBE_MARKER_FD");
  if (env != 0 && *env != 0) {
    char* end = 0;
    const long fd = strtol(env, &end, 10);
    const size_t head = sizeof(struct perfprobe_ring);
    void* p = (fd >= 0 && *end == 0) ? mmap(0, head, PROT_READ, MAP_SHARED, (int)fd, 0) : MAP_FAILED;
    if (p != MAP_FAILED) {
      const struct perfprobe_ring* h = (const struct perfprobe_ring*)p;
      const int ok = h->magic == PERFPROBE_RING_MAGIC && h->version == PERFPROBE_RING_VERSION && h->capacity != 0 &&
                     (h->capacity & (h->capacity - 1)) == 0 && h->capacity <= (1u << 24);
      const size_t total = head + (size_t)h->capacity * sizeof(struct perfprobe_record);
      munmap(p, head);
      void* q = ok ? mmap(0, total, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0) : MAP_FAILED;
      if (q != MAP_FAILED) found = (struct perfprobe_ring*)q;
    }
  }
  struct perfprobe_ring* expected = 0;
  if (!__atomic_compare_exchange_n(&cached, &expected, found, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    if (found != (struct perfprobe_ring*)1) {
      munmap(found, sizeof(struct perfprobe_ring) + (size_t)found->capacity * sizeof(struct perfprobe_record));
    }
    found = expected; /* another thread won the race */
  }
  return found;
}

/* Registers a call site once; returns index + 1 (0 when the table is full). */
static inline uint32_t perfprobe__name(struct perfprobe_ring* r, uint32_t* site, const char* text, uint32_t kind) {
  uint32_t id = __atomic_load_n(site, __ATOMIC_ACQUIRE);
  if (id != 0) return id;
  const uint64_t slot = __atomic_fetch_add(&r->names_used, 1, __ATOMIC_RELAXED);
  if (slot >= PERFPROBE_NAME_SLOTS) return 0;
  struct perfprobe_name* n = &r->names[slot];
  size_t len = strlen(text);
  if (len >= PERFPROBE_NAME_BYTES) len = PERFPROBE_NAME_BYTES - 1;
  memcpy(n->text, text, len);
  n->text[len] = 0;
  n->kind = kind;
  __atomic_store_n(&n->ready, 1u, __ATOMIC_RELEASE);
  id = (uint32_t)slot + 1;
  __atomic_store_n(site, id, __ATOMIC_RELEASE); /* orders the text before any use of id */
  return id;
}

/* Wakes perfprobe (a shared futex, so no descriptor of the target is involved). Rare by design. */
static inline void perfprobe__nudge(struct perfprobe_ring* r) {
  __atomic_fetch_add(&r->nudge, 1u, __ATOMIC_RELEASE);
  syscall(SYS_futex, &r->nudge, FUTEX_WAKE, 1, (void*)0, (void*)0, 0);
}

/* A ready/phase mark waits (bounded) until perfprobe has taken its RSS and counter snapshot, so the
 * boundary's figures are those of this instant. After one timeout it never waits again. */
static inline void perfprobe__handshake(struct perfprobe_ring* r, uint64_t seq) {
  const uint32_t limit_us = __atomic_load_n(&r->handshake_us, __ATOMIC_RELAXED);
  perfprobe__nudge(r);
  if (limit_us == 0 || __atomic_load_n(&r->gave_up, __ATOMIC_RELAXED) != 0) return;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    const uint32_t acked = __atomic_load_n(&r->acked, __ATOMIC_ACQUIRE);
    if ((int32_t)(acked - (uint32_t)seq) >= 0) return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const int64_t left_ns =
        (int64_t)limit_us * 1000 - ((int64_t)(now.tv_sec - start.tv_sec) * 1000000000 + (now.tv_nsec - start.tv_nsec));
    if (left_ns <= 0) {
      __atomic_store_n(&r->gave_up, 1u, __ATOMIC_RELAXED);
      return;
    }
    struct timespec rel;
    rel.tv_sec = (time_t)(left_ns / 1000000000);
    rel.tv_nsec = (long)(left_ns % 1000000000);
    syscall(SYS_futex, &r->acked, FUTEX_WAIT, acked, &rel, (void*)0, 0);
  }
}

static inline void perfprobe__emit(struct perfprobe_ring* r, uint32_t name, uint32_t kind, int64_t arg) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  if (name != 0) __atomic_fetch_add(&r->names[name - 1].count, 1, __ATOMIC_RELAXED);
  uint64_t pos = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
  uint64_t tail;
  do {
    tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    if (pos - tail >= r->capacity) {
      __atomic_fetch_add(&r->dropped, 1, __ATOMIC_RELAXED); /* full: count it, never wait */
      return;
    }
  } while (!__atomic_compare_exchange_n(&r->head, &pos, pos + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
  struct perfprobe_record* rec = (struct perfprobe_record*)(r + 1) + (pos & (r->capacity - 1));
  rec->t_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  rec->name = name;
  rec->kind = kind;
  rec->arg = arg;
  __atomic_store_n(&rec->seq, pos + 1, __ATOMIC_RELEASE);
  if (kind == PERFPROBE_KIND_READY || kind == PERFPROBE_KIND_PHASE_BEGIN || kind == PERFPROBE_KIND_PHASE_END) {
    perfprobe__handshake(r, pos + 1);
  } else if (kind == PERFPROBE_KIND_TOKEN && __atomic_load_n(&r->token_seen, __ATOMIC_RELAXED) == 0) {
    if (__atomic_exchange_n(&r->token_seen, 1u, __ATOMIC_RELAXED) == 0) perfprobe__nudge(r);
  } else if (pos + 1 - tail == __atomic_load_n(&r->nudge_fill, __ATOMIC_RELAXED)) {
    perfprobe__nudge(r);
  }
}

#ifdef __cplusplus
}
#endif

/* A mark: the literal check ("" name) rejects non-literal names at compile time. */
#define PERFPROBE__MARK(kind, literal, arg)                                                                        \
  do {                                                                                                             \
    struct perfprobe_ring* perfprobe_r_ = perfprobe__ring();                                                       \
    if (perfprobe_r_ != (struct perfprobe_ring*)1) {                                                               \
      static uint32_t perfprobe_site_;                                                                             \
      perfprobe__emit(perfprobe_r_, perfprobe__name(perfprobe_r_, &perfprobe_site_, "" literal, (uint32_t)(kind)), \
                      (uint32_t)(kind), (int64_t)(arg));                                                           \
    }                                                                                                              \
  } while (0)

#define PERFPROBE_READY()                              \
  do {                                                 \
    PERFPROBE_SDT_0(ready);                            \
    PERFPROBE__MARK(PERFPROBE_KIND_READY, "ready", 0); \
  } while (0)
#define PERFPROBE_TOKEN()                              \
  do {                                                 \
    PERFPROBE_SDT_0(token);                            \
    PERFPROBE__MARK(PERFPROBE_KIND_TOKEN, "token", 0); \
  } while (0)
#define PERFPROBE_PHASE_BEGIN(name)                       \
  do {                                                    \
    PERFPROBE_SDT_1(phase_begin, "" name);                \
    PERFPROBE__MARK(PERFPROBE_KIND_PHASE_BEGIN, name, 0); \
  } while (0)
#define PERFPROBE_PHASE_END(name)                       \
  do {                                                  \
    PERFPROBE_SDT_1(phase_end, "" name);                \
    PERFPROBE__MARK(PERFPROBE_KIND_PHASE_END, name, 0); \
  } while (0)
#define PERFPROBE_MARK(name)                       \
  do {                                             \
    PERFPROBE_SDT_1(mark, "" name);                \
    PERFPROBE__MARK(PERFPROBE_KIND_MARK, name, 0); \
  } while (0)
/* A mark with one integer argument, reported in the JSONL stream's "args". */
#define PERFPROBE_MARK_ARG(name, value)                \
  do {                                                 \
    PERFPROBE_SDT_1(mark, "" name);                    \
    PERFPROBE__MARK(PERFPROBE_KIND_MARK, name, value); \
  } while (0)

#endif /* PERFPROBE_MARKER_H */
