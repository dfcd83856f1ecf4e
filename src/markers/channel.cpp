// The reader of the marker ring. The layout is marker.h's; records are committed by their seq field.
// The target shares this memory and may be buggy or hostile, so every value read from it is copied
// once, then checked; perfprobe's own state (capacity, read position, names seen) never comes back
// from the shared side.
#include "perfprobe/markers/channel.hpp"

#include <cstring>

#include "perfprobe/marker.h"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/futex.hpp"
#include "perfprobe/sys/shm.hpp"

namespace perfprobe::markers {

namespace {

// Marks stamped later than this past the drain are impossible on one clock.
constexpr std::int64_t kFutureSlackNs = 1'000'000'000;

perfprobe_ring* ring_at(void* p) { return static_cast<perfprobe_ring*>(p); }

EventKind kind_of(std::uint32_t kind) {
  switch (kind) {
    case PERFPROBE_KIND_READY:
      return EventKind::ready;
    case PERFPROBE_KIND_PHASE_BEGIN:
      return EventKind::phase_begin;
    case PERFPROBE_KIND_PHASE_END:
      return EventKind::phase_end;
    case PERFPROBE_KIND_TOKEN:
      return EventKind::token;
    default:
      return EventKind::marker;
  }
}

std::string suffixed(std::string name, std::uint32_t kind) {
  if (kind == PERFPROBE_KIND_PHASE_BEGIN) name += ".begin";
  if (kind == PERFPROBE_KIND_PHASE_END) name += ".end";
  return name;
}

// Names end up in JSON and on terminals: UTF-8 without control characters, or the ring is corrupt.
bool is_clean_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 1;
    if (c < 0x20 || c == 0x7f) return false;
    if (c >= 0x80) {
      if (c >= 0xc2 && c <= 0xdf)
        len = 2;
      else if (c >= 0xe0 && c <= 0xef)
        len = 3;
      else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
      else
        return false;
      if (i + len > s.size()) return false;
      for (std::size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
      }
    }
    i += len;
  }
  return true;
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

std::size_t ring_bytes(std::size_t capacity) { return sizeof(perfprobe_ring) + capacity * sizeof(perfprobe_record); }

std::size_t round_up_pow2(std::size_t n) {
  std::size_t cap = 1;
  while (cap < n) cap <<= 1;
  return cap;
}

}  // namespace

RingReader::RingReader(void* ring, std::uint64_t capacity, std::int64_t created_ns, std::uint64_t max_timed_per_site)
    : ring_(static_cast<unsigned char*>(ring)),
      capacity_(capacity),
      created_ns_(created_ns),
      max_timed_(max_timed_per_site),
      sites_(PERFPROBE_NAME_SLOTS) {}

void RingReader::fail(std::string why) {
  if (corruption_.empty()) corruption_ = std::move(why);
}

RingReader::Site* RingReader::site(std::uint32_t id) {
  if (id == 0 || id > PERFPROBE_NAME_SLOTS) return nullptr;
  Site& s = sites_[id - 1];
  if (s.known) return &s;
  perfprobe_name* n = &ring_at(ring_)->names[id - 1];
  if (__atomic_load_n(&n->ready, __ATOMIC_ACQUIRE) != 1) return nullptr;
  const std::uint32_t kind = __atomic_load_n(&n->kind, __ATOMIC_RELAXED);
  if (kind > PERFPROBE_KIND_TOKEN) return nullptr;
  char text[PERFPROBE_NAME_BYTES];
  std::memcpy(text, n->text, sizeof text);
  const std::size_t len = strnlen(text, sizeof text);
  if (len == sizeof text || !is_clean_utf8(std::string_view(text, len))) {
    fail("a call site's name that is not a short UTF-8 text");
    return nullptr;
  }
  s.known = true;
  s.kind = kind;
  s.name = suffixed(std::string(text, len), kind);
  return &s;
}

void RingReader::drain(std::vector<Event>& out, std::int64_t now_ns) {
  if (!corruption_.empty()) return;
  perfprobe_ring* r = ring_at(ring_);
  auto* records = reinterpret_cast<perfprobe_record*>(r + 1);
  // At most one ring's worth per call: a target rewriting records as fast as they are read cannot
  // keep perfprobe in here.
  for (std::uint64_t n = 0; n < capacity_; ++n) {
    perfprobe_record* rec = &records[tail_ & (capacity_ - 1)];
    if (__atomic_load_n(&rec->seq, __ATOMIC_ACQUIRE) != tail_ + 1) break;
    const std::int64_t t_ns = __atomic_load_n(&rec->t_ns, __ATOMIC_RELAXED);
    const std::uint32_t name = __atomic_load_n(&rec->name, __ATOMIC_RELAXED);
    const std::uint32_t kind = __atomic_load_n(&rec->kind, __ATOMIC_RELAXED);
    const std::int64_t arg = __atomic_load_n(&rec->arg, __ATOMIC_RELAXED);
    if (kind > PERFPROBE_KIND_TOKEN) return fail("a mark of unknown kind " + std::to_string(kind));
    if (t_ns < created_ns_ || t_ns - now_ns > kFutureSlackNs) return fail("a mark stamped outside the run");
    Site* s = nullptr;
    if (name != 0) {
      s = site(name);
      if (s == nullptr) return fail("a mark naming call site " + std::to_string(name) + ", which does not exist");
      if (s->kind != kind) return fail("a mark whose kind is not its call site's");
      ++s->records;
    }
    ++tail_;
    __atomic_store_n(&r->tail, tail_, __ATOMIC_RELEASE);  // frees the slot for the producers
    if (s != nullptr && kind == PERFPROBE_KIND_MARK && s->records > max_timed_) {
      ++skipped_;
      continue;
    }
    Event e;
    e.t_ns = t_ns;
    e.kind = kind_of(kind);
    e.source = EventSource::mark;
    e.name = s != nullptr ? s->name : suffixed("?", kind);
    if (arg != 0) e.args.push_back(arg);
    out.push_back(std::move(e));
  }
}

std::uint64_t RingReader::dropped() const noexcept {
  if (!corruption_.empty()) return 0;
  return saturating_add(__atomic_load_n(&ring_at(ring_)->dropped, __ATOMIC_RELAXED), skipped_);
}

std::map<std::string, std::uint64_t> RingReader::counts() {
  std::map<std::string, std::uint64_t> out;
  if (!corruption_.empty()) return out;
  perfprobe_ring* r = ring_at(ring_);
  for (std::uint32_t id = 1; id <= PERFPROBE_NAME_SLOTS; ++id) {
    const Site* s = site(id);
    if (s == nullptr) continue;
    const std::uint64_t count = __atomic_load_n(&r->names[id - 1].count, __ATOMIC_RELAXED);
    if (count < s->records) {
      fail("call site '" + s->name + "' counted fewer marks than it wrote");
      return {};
    }
    auto& total = out["mark:" + s->name];
    total = saturating_add(total, count);
  }
  if (!corruption_.empty()) return {};  // a name read just now was not one
  return out;
}

MarkerChannel::MarkerChannel(std::size_t capacity, std::uint64_t max_timed_per_site)
    : fd_(sys::make_memfd("perfprobe-markers", ring_bytes(round_up_pow2(capacity)))),
      map_(sys::map_shared(fd_.get(), ring_bytes(round_up_pow2(capacity)))),
      reader_(map_.get(), round_up_pow2(capacity), sys::monotonic_ns(), max_timed_per_site) {
  perfprobe_ring* r = ring_at(map_.get());  // a fresh memfd reads as zeros
  const std::size_t cap = round_up_pow2(capacity);
  r->capacity = cap;
  r->version = PERFPROBE_RING_VERSION;
  r->nudge_fill = static_cast<std::uint32_t>(cap > 1 ? cap / 2 : 1);
  __atomic_store_n(&r->magic, PERFPROBE_RING_MAGIC, __ATOMIC_RELEASE);
}

std::string MarkerChannel::env_entry() const { return "PERFPROBE_MARKER_FD=" + std::to_string(fd_.get()); }

std::uint32_t* MarkerChannel::nudge_word() const noexcept { return &ring_at(map_.get())->nudge; }

void MarkerChannel::set_handshake(std::uint32_t limit_us) noexcept {
  __atomic_store_n(&ring_at(map_.get())->handshake_us, limit_us, __ATOMIC_RELEASE);
}

void MarkerChannel::drain(std::vector<Event>& out) { reader_.drain(out, sys::monotonic_ns()); }

void MarkerChannel::ack() noexcept {
  perfprobe_ring* r = ring_at(map_.get());
  __atomic_store_n(&r->acked, static_cast<std::uint32_t>(reader_.position()), __ATOMIC_RELEASE);
  sys::futex_wake_all(&r->acked);
}

}  // namespace perfprobe::markers
