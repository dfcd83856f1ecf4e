// Reading the ring: data_head with acquire, data_tail with release (perf_event_open(2)).
#include "ring.hpp"

#include <linux/perf_event.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace perfprobe::sampling {

Ring Ring::map(int fd, std::uint32_t data_pages, int& errno_out) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t len = (1 + static_cast<std::size_t>(data_pages)) * page;
  void* addr = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  Ring r;
  if (addr == MAP_FAILED) {
    errno_out = errno;
    return r;
  }
  errno_out = 0;
  r.mapping_ = sys::Mapping(addr, len);
  r.data_pages_ = data_pages;
  return r;
}

void Ring::drain(const std::function<void(std::span<const std::uint8_t>)>& consume) {
  if (!valid()) return;
  auto* meta = static_cast<perf_event_mmap_page*>(mapping_.get());
  const auto* data = static_cast<const std::uint8_t*>(mapping_.get()) + meta->data_offset;
  const std::uint64_t size = meta->data_size;
  const std::uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
  std::uint64_t tail = meta->data_tail;
  while (tail + sizeof(perf_event_header) <= head) {
    perf_event_header h{};
    const std::uint64_t off = tail % size;
    for (std::size_t i = 0; i < sizeof h; ++i) {
      reinterpret_cast<std::uint8_t*>(&h)[i] = data[(off + i) % size];
    }
    if (h.size < sizeof h || tail + h.size > head) break;  // never trust a torn record
    if (off + h.size <= size) {
      consume(std::span<const std::uint8_t>(data + off, h.size));
    } else {
      scratch_.resize(h.size);
      const std::uint64_t first = size - off;
      std::memcpy(scratch_.data(), data + off, first);
      std::memcpy(scratch_.data() + first, data, h.size - first);
      consume(std::span<const std::uint8_t>(scratch_.data(), h.size));
    }
    tail += h.size;
  }
  __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

}  // namespace perfprobe::sampling
