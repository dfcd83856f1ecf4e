// The --jsonl FILE stream: one JSON object per line, written as events happen so tools can follow
// a run live. Each line is written whole with one write(2).
#pragma once

#include <string>

#include "perfprobe/app/diag.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::app {

class JsonlStream {
 public:
  JsonlStream() = default;
  explicit JsonlStream(const std::string& path);  // throws Error when the file cannot be created
  // A failed write (a full disk) never stops the run: it is counted and reported by finish().
  void write_line(std::string line) const;
  [[nodiscard]] bool enabled() const noexcept { return fd_.valid(); }
  // Warns on stderr when lines were lost; returns false then.
  bool finish(const Diag& diag) const;

 private:
  std::string path_;
  sys::Fd fd_;
  mutable int first_error_ = 0;
  mutable std::size_t lost_lines_ = 0;
};

}  // namespace perfprobe::app
