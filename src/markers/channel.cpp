// The reader of the marker ring. The layout is marker.h's; records are committed by their seq field.
#include "perfprobe/markers/channel.hpp"

#include "perfprobe/marker.h"
#include "perfprobe/sys/shm.hpp"

namespace perfprobe::markers {

namespace {

perfprobe_ring* ring_of(const sys::Mapping& m) { return static_cast<perfprobe_ring*>(m.get()); }

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

}  // namespace

MarkerChannel::MarkerChannel(std::size_t capacity) {
  std::size_t cap = 1;
  while (cap < capacity) cap <<= 1;
  const std::size_t bytes = sizeof(perfprobe_ring) + cap * sizeof(perfprobe_record);
  fd_ = sys::make_memfd("perfprobe-markers", bytes);
  map_ = sys::map_shared(fd_.get(), bytes);
  perfprobe_ring* r = ring_of(map_);  // a fresh memfd reads as zeros
  r->capacity = cap;
  r->version = PERFPROBE_RING_VERSION;
  __atomic_store_n(&r->magic, PERFPROBE_RING_MAGIC, __ATOMIC_RELEASE);
}

std::string MarkerChannel::env_entry() const { return "PERFPROBE_MARKER_FD=" + std::to_string(fd_.get()); }

std::string MarkerChannel::name_of(std::uint32_t id) const {
  const perfprobe_ring* r = ring_of(map_);
  if (id == 0 || id > PERFPROBE_NAME_SLOTS) return "?";
  const perfprobe_name& n = r->names[id - 1];
  if (__atomic_load_n(&n.ready, __ATOMIC_ACQUIRE) == 0) return "?";
  return std::string(n.text, strnlen(n.text, PERFPROBE_NAME_BYTES));
}

void MarkerChannel::drain(std::vector<Event>& out) {
  perfprobe_ring* r = ring_of(map_);
  const auto* records = reinterpret_cast<const perfprobe_record*>(r + 1);
  std::uint64_t tail = r->tail;
  for (;;) {
    const perfprobe_record& rec = records[tail & (r->capacity - 1)];
    if (__atomic_load_n(&rec.seq, __ATOMIC_ACQUIRE) != tail + 1) break;
    Event e;
    e.t_ns = rec.t_ns;
    e.kind = kind_of(rec.kind);
    e.source = EventSource::mark;
    e.name = name_of(rec.name);
    if (e.kind == EventKind::phase_begin) e.name += ".begin";
    if (e.kind == EventKind::phase_end) e.name += ".end";
    if (rec.arg != 0) e.args.push_back(rec.arg);
    out.push_back(std::move(e));
    ++tail;
    __atomic_store_n(&r->tail, tail, __ATOMIC_RELEASE);  // frees the slot for the producers
  }
}

std::uint64_t MarkerChannel::dropped() const noexcept {
  return __atomic_load_n(&ring_of(map_)->dropped, __ATOMIC_RELAXED);
}

}  // namespace perfprobe::markers
