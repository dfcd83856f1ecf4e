// Non-blocking connect/send/recv on a loopback TCP socket.
#include "perfprobe/sys/loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace perfprobe::sys {

LoopbackClient::LoopbackClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
  if (!fd_.valid()) return;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
    state_ = State::connected;
  } else if (errno == EINPROGRESS) {
    state_ = State::connecting;
  }
}

LoopbackClient::State LoopbackClient::poll() {
  if (state_ != State::connecting) return state_;
  pollfd p{fd_.get(), POLLOUT, 0};
  if (::poll(&p, 1, 0) <= 0) return state_;
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    state_ = State::failed;
  } else {
    state_ = State::connected;
  }
  return state_;
}

bool LoopbackClient::send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // a few hundred bytes fit any fresh socket buffer
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool LoopbackClient::receive(std::string& into) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

}  // namespace perfprobe::sys
