// The perf ring-buffer side of perf_event_open(2): mapping a ring, redirecting an event into
// another's ring, asking an event's id, and reading records (copied out across the wrap).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// mmap of 1 + data_pages pages (data_pages a power of two). Throws Error.
[[nodiscard]] Mapping map_perf_ring(int fd, std::size_t data_pages);
// The same, for callers that act on the errno (EPERM: the unprivileged mlock budget is spent, so
// retry smaller). Returns an empty Mapping with errno_out set on failure.
[[nodiscard]] Mapping try_map_perf_ring(int fd, std::size_t data_pages, int& errno_out) noexcept;
// PERF_EVENT_IOC_SET_OUTPUT; returns errno (0 = done).
[[nodiscard]] int perf_set_output(int fd, int target_fd) noexcept;
// PERF_EVENT_IOC_ID. Throws Error.
[[nodiscard]] std::uint64_t perf_event_id(int fd);
// Hands every complete record (header included) to `on_record`, then frees them for the kernel.
void read_perf_ring(const Mapping& ring, const std::function<void(std::string_view record)>& on_record);
// The uprobe PMU's type (/sys/bus/event_source/devices/uprobe/type), -1 when the kernel has none.
[[nodiscard]] int uprobe_pmu_type() noexcept;

}  // namespace perfprobe::sys
