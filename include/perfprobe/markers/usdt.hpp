// USDT hits through the kernel's uprobe PMU (root only: CAP_SYS_ADMIN). Uprobe events must never be
// inherited (the target's clone() then fails with EFAULT, docs/kernel-facts.md §3), so each probe is
// opened system-wide, one event per CPU, sampling every hit with its user registers; hits are kept
// when their pid belongs to the target's tree, which a per-CPU inherited dummy event tracks through
// its FORK records. Semaphores are set through the uprobe's ref_ctr_offset.
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

class UsdtSession {
 public:
  // Opens everything before the target execs. Throws Error with a one-line reason (e.g. no privilege).
  UsdtSession(const std::vector<elf::SdtProbe>& probes, pid_t root);

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
  void open_cpu(int cpu, pid_t root, const std::vector<elf::SdtProbe>& probes);
  void read_ring(Ring& ring, bool forks_only);
  void on_sample(const char* p, const char* end);

  std::vector<Ring> rings_;                           // per CPU: probe samples, then fork tracking
  std::vector<sys::Fd> members_;                      // probe fds redirected into a ring
  std::map<std::uint64_t, std::size_t> probe_of_id_;  // perf event id -> probe index
  std::vector<std::string> names_;                    // "provider:name" per probe
  std::vector<std::vector<SdtArg>> args_;
  std::set<std::uint32_t> tree_;  // pids of the target's tree
  std::vector<Pending> pending_;
  std::vector<Event>* out_ = nullptr;
  bool need_stack_ = false;
  std::uint64_t lost_ = 0;
};

}  // namespace perfprobe::markers
