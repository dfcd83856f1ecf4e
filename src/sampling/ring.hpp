// One perf ring buffer (perf_event_open(2) "MMAP layout"): the metadata page plus 2^n data pages,
// read by the parent while the kernel writes. Owns the mapping.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sampling {

class Ring {
 public:
  // Maps 1 + data_pages pages of `fd`. Returns an empty Ring with errno_out set on failure
  // (EPERM when the mlock budget is exhausted: the caller retries smaller).
  static Ring map(int fd, std::uint32_t data_pages, int& errno_out);

  Ring() = default;
  [[nodiscard]] bool valid() const noexcept { return mapping_.get() != nullptr; }
  [[nodiscard]] std::uint32_t data_pages() const noexcept { return data_pages_; }

  // Hands every complete record now in the ring to `consume` (records that wrap are copied into
  // one contiguous buffer first), then frees the space for the kernel.
  void drain(const std::function<void(std::span<const std::uint8_t>)>& consume);

 private:
  sys::Mapping mapping_;
  std::uint32_t data_pages_ = 0;
};

}  // namespace perfprobe::sampling
