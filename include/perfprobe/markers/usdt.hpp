// USDT and function-probe hits through the kernel's uprobe PMU (root only: CAP_SYS_ADMIN). Uprobe events must
// never be inherited (the target's clone() then fails with EFAULT, docs/kernel-facts.md §3), so each probe is
// opened system-wide, one event per CPU, sampling every hit with its user registers; hits are kept
// when their pid belongs to the target's tree, which a per-CPU inherited dummy event tracks through
// its FORK records. Semaphores are set through the uprobe's ref_ctr_offset; a return probe (uretprobe)
// is the same event with the PMU's retprobe bit.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "perfprobe/elf/sdt.hpp"
#include "perfprobe/markers/sdt_args.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::markers {

// One place to probe: an SDT note or a function's entry or return.
struct ProbePoint {
  EventSource source = EventSource::usdt;  // usdt or uprobe
  std::string name;                        // the events' name: "provider:name", or the function spec without /N
  std::string path;
  std::uint64_t offset = 0;          // file offset of the probed instruction
  std::uint64_t ref_ctr_offset = 0;  // file offset of an SDT semaphore, 0 = none
  bool ret = false;                  // fire on return (uretprobe)
  std::vector<SdtArg> args;          // decoded into each event's args
};

// An SDT note as a probe point: its arguments from the note's operand specs.
[[nodiscard]] ProbePoint usdt_point(const elf::SdtProbe& probe);

// The System V x86-64 integer argument registers rdi, rsi, rdx, rcx, r8, r9 (entry), or rax (return):
// the args of a function probe's events.
[[nodiscard]] std::vector<SdtArg> calling_convention_args(bool ret);

class UsdtSession {
 public:
  // Opens everything before the target execs. Throws Error with a one-line reason (e.g. no privilege).
  UsdtSession(const std::vector<ProbePoint>& points, pid_t root);

  // The ring fds (for the event loop; readable past the wake-up watermark).
  [[nodiscard]] std::vector<int> ring_fds() const;
  // Decodes what the rings hold into events (absolute CLOCK_MONOTONIC times, source "usdt").
  // Hits of pids not yet known to be in the tree wait until `final` is true, then are resolved.
  void drain(std::vector<Event>& out, bool final);
  [[nodiscard]] std::uint64_t lost() const noexcept { return lost_; }

 private:
  struct Ring {
    sys::Fd fd;
    sys::Mapping map;
  };
  struct Pending {
    std::uint32_t pid;
    Event event;
  };
  void open_cpu(int cpu, pid_t root, const std::vector<ProbePoint>& points);
  void read_ring(Ring& ring, bool forks_only);
  void on_sample(const char* p, const char* end);

  std::vector<Ring> rings_;                           // per CPU: probe samples, then fork tracking
  std::vector<sys::Fd> members_;                      // probe fds redirected into a ring
  std::map<std::uint64_t, std::size_t> probe_of_id_;  // perf event id -> probe index
  std::vector<ProbePoint> points_;
  std::set<std::uint32_t> tree_;  // pids of the target's tree
  std::vector<Pending> pending_;
  std::vector<Event>* out_ = nullptr;
  bool need_stack_ = false;
  std::uint64_t lost_ = 0;
};

}  // namespace perfprobe::markers
