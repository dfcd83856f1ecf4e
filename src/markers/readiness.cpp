// listen, file, tcp and http readiness.
#include "perfprobe/markers/readiness.hpp"

#include <unistd.h>

#include <algorithm>

#include "perfprobe/memory/rss.hpp"
#include "perfprobe/sys/clock.hpp"

namespace perfprobe::markers {

ReadinessProbe::ReadinessProbe(MarkerSpec spec, pid_t root) : spec_(std::move(spec)), root_(root) {
  if (spec_.kind == SpecKind::listen) diag_ = std::make_unique<sys::SockDiag>();
}

std::optional<int> http_status(const std::string& head) {
  const auto eol = head.find("\r\n");
  if (eol == std::string::npos) return std::nullopt;
  if (!head.starts_with("HTTP/")) return 0;  // not an HTTP server: never a success
  const auto sp = head.find(' ');
  if (sp == std::string::npos || sp + 4 > eol) return 0;  // a status line without a code: not a success
  int code = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return 0;
    code = code * 10 + (head[i] - '0');
  }
  return code;
}

void ReadinessProbe::retry_later(std::int64_t now_ns) {
  client_.reset();
  sent_ = false;
  answer_.clear();
  next_attempt_ns_ = now_ns + backoff_ns_;
  backoff_ns_ = std::min<std::int64_t>(backoff_ns_ * 2, 32'000'000);
}

bool ReadinessProbe::poll_connect(std::int64_t now_ns) {
  if (!client_) {
    if (now_ns < next_attempt_ns_) return false;
    client_ = std::make_unique<sys::LoopbackClient>(spec_.port);
  }
  const auto state = client_->poll();
  if (state == sys::LoopbackClient::State::failed) {
    retry_later(now_ns);
    return false;
  }
  if (state == sys::LoopbackClient::State::connecting) return false;
  if (spec_.kind == SpecKind::tcp) {
    client_.reset();  // connected: hang up, so the server does not wait for a request
    return true;
  }
  if (!sent_) {
    const std::string request = "GET " + spec_.http_path +
                                " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(spec_.port) +
                                "\r\nUser-Agent: perfprobe\r\nConnection: close\r\n\r\n";
    sent_ = client_->send(request);
    if (!sent_) retry_later(now_ns);
    return false;
  }
  const bool open = client_->receive(answer_);
  const auto status = http_status(answer_);
  if (status) {
    if (*status >= 200 && *status < 300) {
      client_.reset();
      return true;
    }
    retry_later(now_ns);  // 503 while loading: ask again
  } else if (!open) {
    retry_later(now_ns);
  }
  return false;
}

bool ReadinessProbe::poll() {
  if (spec_.kind == SpecKind::file) return ::access(spec_.path.c_str(), F_OK) == 0;
  if (spec_.kind == SpecKind::tcp || spec_.kind == SpecKind::http) return poll_connect(sys::monotonic_ns());
  if (!diag_) return false;
  std::vector<sys::ListenSocket> candidates;
  for (const auto& s : diag_->listening_tcp()) {
    if (spec_.port == 0 || s.port == spec_.port) candidates.push_back(s);
  }
  if (candidates.empty()) return false;
  // Only a listener of the target's own tree counts (another program may hold the same port).
  for (const pid_t pid : memory::process_tree(root_)) {
    const auto inodes = sys::socket_inodes(pid);
    for (const auto& s : candidates) {
      if (inodes.count(s.inode) != 0) return true;
    }
  }
  return false;
}

}  // namespace perfprobe::markers
