// The target's stdout and stderr through perfprobe: every byte is passed on unchanged to
// perfprobe's own stdout/stderr as it arrives, timestamped, and matched against the output specs.
// Sources of "output" events: regex matches (kind marker, name = the regex) and chunk arrivals
// (kind output, name "stdout"/"stderr", args = {bytes}).
#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::markers {

struct OutputPlan {
  std::vector<std::string> regexes;  // ECMAScript, multiline; already validated
  bool chunk_events = false;         // emit one event per chunk read
  bool pty = false;                  // stdout on a pseudo-terminal instead of a pipe
};

// Finds regex matches in a stream that arrives in pieces (pure; one per stream and regex).
class StreamMatcher {
 public:
  explicit StreamMatcher(std::string regex);
  // Feeds a chunk; returns how many new matches it completed.
  std::size_t feed(std::string_view chunk);
  [[nodiscard]] const std::string& regex_text() const noexcept { return text_; }

 private:
  std::string text_;
  std::regex regex_;
  std::string buffer_;  // text not yet ruled out: from the last match or the last complete line
};

class OutputTap {
 public:
  explicit OutputTap(const OutputPlan& plan);  // creates the pipes (or pty); throws Error

  // The ends the target gets as fd 1 and 2 (close them in perfprobe after the fork).
  [[nodiscard]] int child_stdout() const noexcept { return child_out_.get(); }
  [[nodiscard]] int child_stderr() const noexcept { return child_err_.get(); }
  void close_child_ends() noexcept;

  // perfprobe's read ends (non-blocking), -1 once at end of file.
  [[nodiscard]] int stdout_fd() const noexcept { return out_.get(); }
  [[nodiscard]] int stderr_fd() const noexcept { return err_.get(); }

  // Reads what `fd` has, passes it on and appends events stamped `now_ns`. Returns false at end of file.
  bool on_readable(int fd, std::int64_t now_ns, std::vector<Event>& events);
  // Reads whatever is left without waiting (at the end of the run).
  void drain(std::int64_t now_ns, std::vector<Event>& events);

 private:
  bool read_some(int fd, std::int64_t now_ns, std::vector<Event>& events, bool until_empty);
  void handle(bool is_stdout, std::string_view chunk, std::int64_t now_ns, std::vector<Event>& events);
  OutputPlan plan_;
  sys::Fd out_, err_, child_out_, child_err_;
  std::vector<StreamMatcher> out_matchers_, err_matchers_;
};

}  // namespace perfprobe::markers
