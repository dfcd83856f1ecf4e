// Readiness probes polled from the event loop: listen[:PORT] (a socket of the target's process
// tree is listening, found through socket diagnostics), file:PATH (the file exists), tcp:PORT (a
// connect to 127.0.0.1:PORT succeeds) and http:PORT[/PATH] (a GET there gets a 2xx answer). tcp and
// http retry with backoff (1 ms doubling to 32 ms) while refused or answered otherwise; a request the
// server holds (it bound early and answers after loading) counts when its answer arrives.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "perfprobe/markers/spec.hpp"
#include "perfprobe/sys/loopback.hpp"
#include "perfprobe/sys/sock_diag.hpp"

namespace perfprobe::markers {

// The status code of an HTTP response once its status line is complete ("HTTP/1.1 200 OK\r\n").
[[nodiscard]] std::optional<int> http_status(const std::string& response_head);

class ReadinessProbe {
 public:
  ReadinessProbe(MarkerSpec spec, pid_t root);
  // True once the condition holds. Cheap when nothing listens: /proc is read only for candidates.
  [[nodiscard]] bool poll();

 private:
  bool poll_connect(std::int64_t now_ns);
  void retry_later(std::int64_t now_ns);
  MarkerSpec spec_;
  pid_t root_;
  std::unique_ptr<sys::SockDiag> diag_;
  std::unique_ptr<sys::LoopbackClient> client_;  // tcp/http: the attempt in flight
  bool sent_ = false;
  std::string answer_;
  std::int64_t next_attempt_ns_ = 0;
  std::int64_t backoff_ns_ = 1'000'000;
};

}  // namespace perfprobe::markers
