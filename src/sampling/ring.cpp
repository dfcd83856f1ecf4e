// The sampler's ring: the mapping and the record walk are sys/perf_ring's; this keeps the size that
// was granted (the caller shrinks it on EPERM) and hands records over as bytes.
#include "ring.hpp"

#include "perfprobe/sys/perf_ring.hpp"

namespace perfprobe::sampling {

Ring Ring::map(int fd, std::uint32_t data_pages, int& errno_out) {
  Ring r;
  r.mapping_ = sys::try_map_perf_ring(fd, data_pages, errno_out);
  if (errno_out == 0) r.data_pages_ = data_pages;
  return r;
}

void Ring::drain(const std::function<void(std::span<const std::uint8_t>)>& consume) {
  if (!valid()) return;
  sys::read_perf_ring(mapping_, [&](std::string_view record) {
    consume(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(record.data()), record.size()));
  });
}

}  // namespace perfprobe::sampling
