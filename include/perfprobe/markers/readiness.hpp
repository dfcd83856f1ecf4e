// Readiness probes polled from the event loop: listen[:PORT] (a socket of the target's process
// tree is listening, found through socket diagnostics) and file:PATH (the file exists).
#pragma once

#include <sys/types.h>

#include <memory>

#include "perfprobe/markers/spec.hpp"
#include "perfprobe/sys/sock_diag.hpp"

namespace perfprobe::markers {

class ReadinessProbe {
 public:
  ReadinessProbe(MarkerSpec spec, pid_t root);
  // True once the condition holds. Cheap when nothing listens: /proc is read only for candidates.
  [[nodiscard]] bool poll();

 private:
  MarkerSpec spec_;
  pid_t root_;
  std::unique_ptr<sys::SockDiag> diag_;
};

}  // namespace perfprobe::markers
