// Listening TCP sockets through netlink socket diagnostics (NETLINK_SOCK_DIAG): ~55 us a dump,
// where /proc/net/tcp costs ~8 ms because it walks the whole hash table (docs/kernel-facts.md §6).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <vector>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

struct ListenSocket {
  int port = 0;
  std::uint64_t inode = 0;
};

class SockDiag {
 public:
  SockDiag();  // throws Error when netlink is unavailable
  // Every TCP socket in LISTEN state (IPv4 and IPv6) in perfprobe's network namespace.
  [[nodiscard]] std::vector<ListenSocket> listening_tcp();

 private:
  void dump(int family, std::vector<ListenSocket>& out);
  Fd fd_;
};

// Socket inodes held open by a process (/proc/PID/fd -> "socket:[INODE]").
[[nodiscard]] std::set<std::uint64_t> socket_inodes(pid_t pid);

}  // namespace perfprobe::sys
