// Which mapping covers an address of a process at a given time: mmaps of the process itself after
// its last exec, else those inherited from the parent it was forked from.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <vector>

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::symbols {

class AddressMap {
 public:
  explicit AddressMap(const sampling::Profile& profile);
  [[nodiscard]] const sampling::Mapping* find(pid_t pid, std::uint64_t addr, std::int64_t t_ns) const;
  // Every mapping visible to `pid` at `t_ns`, its own first (for building an unwinder).
  [[nodiscard]] std::vector<const sampling::Mapping*> visible(pid_t pid, std::int64_t t_ns) const;
  // The times, in order, at which what find() answers for `pid` can change (its own and its
  // ancestors' mmaps and execs): between two of them every address maps as it did.
  [[nodiscard]] std::vector<std::int64_t> change_times(pid_t pid) const;

 private:
  [[nodiscard]] pid_t parent_of(pid_t pid) const;
  [[nodiscard]] std::int64_t exec_before(pid_t pid, std::int64_t t_ns) const;
  std::map<pid_t, std::vector<const sampling::Mapping*>> by_pid_;  // in time order
  std::map<pid_t, pid_t> parent_;
  std::map<pid_t, std::vector<std::int64_t>> execs_;
};

}  // namespace perfprobe::symbols
