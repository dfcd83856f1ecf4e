// inet_diag LISTEN dumps and /proc/PID/fd socket inodes.
#include "perfprobe/sys/sock_diag.hpp"

#include <dirent.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace perfprobe::sys {

SockDiag::SockDiag() : fd_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {
  if (!fd_.valid()) throw_errno("socket(NETLINK_SOCK_DIAG)");
}

void SockDiag::dump(int family, std::vector<ListenSocket>& out) {
  struct {
    nlmsghdr nlh;
    inet_diag_req_v2 req;
  } msg{};
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.req.sdiag_family = static_cast<std::uint8_t>(family);
  msg.req.sdiag_protocol = IPPROTO_TCP;
  msg.req.idiag_states = 1U << TCP_LISTEN;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), &msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    throw_errno("sock_diag request");
  }
  alignas(nlmsghdr) char buf[32768];
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    auto len = static_cast<unsigned>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return;
      const auto* d = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
      out.push_back(ListenSocket{ntohs(d->id.idiag_sport), d->idiag_inode});
    }
  }
}

std::vector<ListenSocket> SockDiag::listening_tcp() {
  std::vector<ListenSocket> out;
  dump(AF_INET, out);
  dump(AF_INET6, out);
  return out;
}

std::set<std::uint64_t> socket_inodes(pid_t pid) {
  std::set<std::uint64_t> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  char target[64];
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const ssize_t n = ::readlinkat(::dirfd(d), e->d_name, target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = 0;
    if (std::strncmp(target, "socket:[", 8) == 0) out.insert(std::strtoull(target + 8, nullptr, 10));
  }
  ::closedir(d);
  return out;
}

}  // namespace perfprobe::sys
