// The --jsonl FILE stream: one JSON object per line, written as events happen so tools can follow
// a run live. Each line is written whole with one write(2).
#pragma once

#include <string>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::app {

class JsonlStream {
 public:
  JsonlStream() = default;
  explicit JsonlStream(const std::string& path);  // throws Error when the file cannot be created
  void write_line(std::string line) const;
  [[nodiscard]] bool enabled() const noexcept { return fd_.valid(); }

 private:
  sys::Fd fd_;
};

}  // namespace perfprobe::app
