// perf rings: data_head is read with acquire and data_tail written with release, as perf_event_open(2)
// ("MMAP layout") requires.
#include "perfprobe/sys/perf_ring.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace perfprobe::sys {

Mapping try_map_perf_ring(int fd, std::size_t data_pages, int& errno_out) noexcept {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t len = (1 + data_pages) * page;
  void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  errno_out = p == MAP_FAILED ? errno : 0;
  return p == MAP_FAILED ? Mapping() : Mapping(p, len);
}

Mapping map_perf_ring(int fd, std::size_t data_pages) {
  int err = 0;
  Mapping ring = try_map_perf_ring(fd, data_pages, err);
  if (err != 0) throw_errno("mmap of a perf ring", err);
  return ring;
}

int perf_set_output(int fd, int target_fd) noexcept {
  return ::ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, target_fd) == 0 ? 0 : errno;
}

std::uint64_t perf_event_id(int fd) {
  std::uint64_t id = 0;
  if (::ioctl(fd, PERF_EVENT_IOC_ID, &id) != 0) throw_errno("PERF_EVENT_IOC_ID");
  return id;
}

void read_perf_ring(const Mapping& ring, const std::function<void(std::string_view)>& on_record) {
  auto* meta = static_cast<perf_event_mmap_page*>(ring.get());
  const char* data = static_cast<const char*>(ring.get()) + meta->data_offset;
  const std::uint64_t size = meta->data_size;
  const std::uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
  std::uint64_t tail = meta->data_tail;
  std::string copy;
  while (tail + sizeof(perf_event_header) <= head) {
    perf_event_header h{};
    for (std::size_t i = 0; i < sizeof h; ++i) reinterpret_cast<char*>(&h)[i] = data[(tail + i) % size];
    if (h.size < sizeof h || tail + h.size > head) break;
    const std::uint64_t start = tail % size;
    if (start + h.size <= size) {
      on_record(std::string_view(data + start, h.size));
    } else {  // the record wraps around the end of the ring
      copy.assign(data + start, size - start);
      copy.append(data, h.size - (size - start));
      on_record(copy);
    }
    tail += h.size;
  }
  __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

int uprobe_pmu_type() noexcept {
  std::ifstream in("/sys/bus/event_source/devices/uprobe/type");
  int type = -1;
  if (!(in >> type)) return -1;
  return type;
}

}  // namespace perfprobe::sys
