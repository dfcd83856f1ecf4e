// The kernel's own records of a launched target's memory: the kmem:rss_stat tracepoint (every change
// of a process's anon, file or shmem RSS, with the new size and a timestamp) and, when asked, the
// page-faults software event, both sampled one in `period` into one ring per CPU (per-CPU events on
// the target's pid with inherit and enable_on_exec, docs/kernel-facts.md §4 and §11). Root or
// CAP_PERFMON: the tracepoint's id is in tracefs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::memory {

class KernelRecorder {
 public:
  // Opens every event on the held child `pid` (they start at its exec). Throws Error with a
  // one-line reason when the tracepoint cannot be used (no tracefs, no privilege).
  KernelRecorder(pid_t pid, std::uint64_t period, bool faults);
  // The ring fds, readable when a ring is half full (for the event loop).
  [[nodiscard]] std::vector<int> ring_fds() const;
  // Decodes what the rings hold (CLOCK_MONOTONIC times), making room for more.
  void drain();
  // Drains, sorts by time and hands the records over.
  [[nodiscard]] KernelRecords finish();

 private:
  struct Ring {
    sys::Fd fd;
    sys::Mapping map;
  };
  void open_cpu(int cpu, pid_t pid, bool faults);
  void on_record(std::string_view rec);

  std::uint64_t period_;
  std::uint64_t tracepoint_id_ = 0;
  int size_offset_ = 24;  // of the raw data: mm_id, member and size (the format file's offsets)
  int mm_offset_ = 8;
  int member_offset_ = 16;
  std::vector<Ring> rings_;
  std::vector<sys::Fd> members_;            // page-fault events redirected into a ring
  std::map<std::uint64_t, bool> is_fault_;  // event id -> a page-fault sample (else rss_stat)
  KernelRecords records_;
};

}  // namespace perfprobe::memory
