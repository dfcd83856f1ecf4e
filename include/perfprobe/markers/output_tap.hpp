// The target's stdout and stderr through perfprobe: every byte is passed on unchanged to
// perfprobe's own stdout/stderr as it arrives, timestamped, and matched against the output specs.
// Sources of "output" events: regex matches (kind marker, name = the regex) and chunk arrivals
// (kind output, name "stdout"/"stderr", args = {bytes}). With chunk events the stdout pipe is in
// packet mode, so one write of the target is one chunk (docs/markers.md says what --pty cannot do).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::markers {

struct OutputPlan {
  std::vector<std::string> regexes;      // ECMAScript, multiline; already validated
  std::vector<std::string> until_first;  // regexes whose first match is all that is needed (--ready)
  bool chunk_events = false;             // emit one event per chunk read (per write: packet mode)
  bool pty = false;                      // stdout on a pseudo-terminal instead of a pipe
};

// A literal every match of the ECMAScript regex must contain, "" when none can be proven. Lets the
// matcher skip text without running the regex engine (which reads ~15 MB/s).
[[nodiscard]] std::string required_literal(const std::string& regex);

// Finds regex matches in a stream that arrives in pieces (pure; one per stream and regex).
class StreamMatcher {
 public:
  // `until_first`: stop looking once one match was found.
  explicit StreamMatcher(std::string regex, bool until_first = false);
  // Feeds a chunk; returns how many new matches it completed.
  std::size_t feed(std::string_view chunk);
  [[nodiscard]] const std::string& regex_text() const noexcept { return text_; }

 private:
  std::string text_;
  std::regex regex_;
  // On the heap: the searcher points into its literal, and matchers move (they live in vectors).
  struct Prefilter {
    explicit Prefilter(std::string text) : literal(std::move(text)), searcher(literal.begin(), literal.end()) {}
    std::string literal;
    std::boyer_moore_horspool_searcher<std::string::const_iterator> searcher;
  };
  std::unique_ptr<const Prefilter> prefilter_;
  bool until_first_ = false;
  bool done_ = false;
  std::string buffer_;  // text not yet ruled out: from the last match or the last complete line
};

// Does this chunk count as output at all? A write of only whitespace (the final newline) is not a
// token, nor the first output.
[[nodiscard]] bool is_blank(std::string_view chunk) noexcept;

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

  // Reads what `fd` has (each read stamped with its own time), passes it on and appends events.
  // Returns false once the stream is over: end of file, or perfprobe's own reader went away (then the
  // read end is closed, so the target's next write gets EPIPE/SIGPIPE as without perfprobe).
  bool on_readable(int fd, std::vector<Event>& events);
  // At the end of the run: reads whatever is left without waiting; a stream still held open by a
  // process that outlives the target (a background child) is handed to a forwarder that passes the
  // rest on, so that output is not lost and its writer not killed.
  void finish(std::vector<Event>& events);

 private:
  bool read_some(int fd, std::vector<Event>& events, bool until_empty);
  bool handle(bool is_stdout, std::string_view chunk, std::int64_t now_ns, std::vector<Event>& events);
  OutputPlan plan_;
  sys::Fd out_, err_, child_out_, child_err_;
  std::vector<StreamMatcher> out_matchers_, err_matchers_;
};

}  // namespace perfprobe::markers
