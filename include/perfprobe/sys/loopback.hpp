// A non-blocking TCP client to 127.0.0.1:PORT, for readiness checks of a server under test
// (tcp:PORT, http:PORT). Loopback only: perfprobe never reaches beyond the machine it runs on.
#pragma once

#include <string>
#include <string_view>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

class LoopbackClient {
 public:
  enum class State { connecting, connected, failed };

  explicit LoopbackClient(int port);  // starts connecting; never blocks
  // Advances the connection without waiting.
  [[nodiscard]] State poll();
  // Sends a short request on a connected socket; false on error.
  bool send(std::string_view data);
  // Appends what has arrived without waiting; false once the peer closed or on error.
  bool receive(std::string& into);

 private:
  Fd fd_;
  State state_ = State::failed;
};

}  // namespace perfprobe::sys
