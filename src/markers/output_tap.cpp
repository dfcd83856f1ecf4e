// Pass-through and matching of the target's output. Nothing here may block: the read ends are
// non-blocking and perfprobe's own stdout/stderr are written with write_all (a full terminal
// stalls perfprobe as it would stall the target, which is the honest behaviour).
#include "perfprobe/markers/output_tap.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/pipe.hpp"
#include "perfprobe/sys/pty.hpp"

namespace perfprobe::markers {

namespace {
constexpr std::size_t kMaxPending = 64 * 1024;  // bytes kept for a match that may span chunks
// Each packet takes a pipe slot (a page): 1 MiB holds 256 writes before the target waits on perfprobe.
constexpr std::size_t kPipeBytes = 1 << 20;
// Reads per wake-up before the event loop gets its turn (timers, the other stream, the exit).
constexpr int kReadsPerWakeup = 256;

bool is_special(char c) { return std::string_view(".^$*+?()[]{}|\\/").find(c) != std::string_view::npos; }

}  // namespace

std::string required_literal(const std::string& re) {
  if (re.find('|') != std::string::npos) return {};  // an alternative may avoid any literal
  std::string best, run;
  int depth = 0;
  const auto cut = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  for (std::size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (c == '\\' && i + 1 < re.size()) {
      const char next = re[++i];
      if (depth == 0 && is_special(next)) {
        run += next;
      } else {
        cut();  // \d, \w, \b, \n, a back-reference...: not one known byte
      }
    } else if (c == '(') {
      ++depth;
      cut();
    } else if (c == ')') {
      --depth;
      cut();
    } else if (c == '[') {
      cut();
      ++i;
      if (i < re.size() && re[i] == '^') ++i;
      if (i < re.size() && re[i] == ']') ++i;
      while (i < re.size() && re[i] != ']') i += re[i] == '\\' ? 2 : 1;
    } else if (c == '*' || c == '?' || c == '{') {
      if (!run.empty()) run.pop_back();  // the atom before may be absent
      cut();
      if (c == '{') i = std::min(re.find('}', i), re.size());
    } else if (c == '+' || c == '.' || c == '^' || c == '$') {
      cut();
    } else if (depth == 0) {
      run += c;
    } else {
      cut();
    }
  }
  cut();
  return best;
}

bool is_blank(std::string_view chunk) noexcept {
  return std::all_of(chunk.begin(), chunk.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

StreamMatcher::StreamMatcher(std::string regex, bool until_first)
    : text_(std::move(regex)),
      regex_(text_, std::regex::ECMAScript | std::regex::multiline),
      until_first_(until_first) {
  if (auto literal = required_literal(text_); !literal.empty())
    prefilter_ = std::make_unique<const Prefilter>(std::move(literal));
}

std::size_t StreamMatcher::feed(std::string_view chunk) {
  if (done_) return 0;
  buffer_.append(chunk);
  std::size_t count = 0;
  std::size_t pos = 0;
  const bool complete_line = !buffer_.empty() && buffer_.back() == '\n';
  // No match can lie in text without the literal: skip the regex engine there.
  const bool may_match =
      !prefilter_ || std::search(buffer_.cbegin(), buffer_.cend(), prefilter_->searcher) != buffer_.cend();
  std::smatch m;
  while (may_match && pos <= buffer_.size()) {
    auto flags = complete_line ? std::regex_constants::match_default : std::regex_constants::match_not_eol;
    if (pos > 0) flags |= std::regex_constants::match_prev_avail;
    if (!std::regex_search(buffer_.cbegin() + static_cast<std::ptrdiff_t>(pos), buffer_.cend(), m, regex_, flags))
      break;
    ++count;
    const auto end = pos + static_cast<std::size_t>(m.position(0) + m.length(0));
    pos = m.length(0) == 0 ? end + 1 : end;
    if (until_first_) {
      done_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
      return count;
    }
  }
  std::size_t keep = std::min(pos, buffer_.size());
  const auto nl = buffer_.rfind('\n');
  if (nl != std::string::npos && nl + 1 > keep) keep = nl + 1;
  if (buffer_.size() - keep > kMaxPending) keep = buffer_.size() - 4096;
  buffer_.erase(0, keep);
  return count;
}

OutputTap::OutputTap(const OutputPlan& plan) : plan_(plan) {
  if (plan.pty) {
    sys::Pty p = sys::make_pty();
    out_ = std::move(p.master);
    child_out_ = std::move(p.slave);
  } else {
    sys::Pipe p = plan.chunk_events ? sys::make_packet_pipe() : sys::make_pipe();
    (void)sys::grow_pipe(p.read.get(), kPipeBytes);
    out_ = std::move(p.read);
    child_out_ = std::move(p.write);
  }
  sys::Pipe e = sys::make_pipe();
  (void)sys::grow_pipe(e.read.get(), kPipeBytes);
  err_ = std::move(e.read);
  child_err_ = std::move(e.write);
  sys::set_nonblocking(out_.get());
  sys::set_nonblocking(err_.get());
  for (const auto& r : plan.regexes) {
    const bool once = std::find(plan.until_first.begin(), plan.until_first.end(), r) != plan.until_first.end();
    out_matchers_.emplace_back(r, once);
    err_matchers_.emplace_back(r, once);
  }
}

void OutputTap::close_child_ends() noexcept {
  child_out_.reset();
  child_err_.reset();
}

bool OutputTap::handle(bool is_stdout, std::string_view chunk, std::int64_t now_ns, std::vector<Event>& events) {
  const bool passed = sys::write_all(is_stdout ? 1 : 2, chunk.data(), chunk.size()) || errno != EPIPE;
  if (plan_.chunk_events && !is_blank(chunk)) {
    Event e;
    e.t_ns = now_ns;
    e.kind = EventKind::output;
    e.source = EventSource::output;
    e.name = is_stdout ? "stdout" : "stderr";
    e.args.push_back(static_cast<std::int64_t>(chunk.size()));
    events.push_back(std::move(e));
  }
  for (auto& m : is_stdout ? out_matchers_ : err_matchers_) {
    for (std::size_t n = m.feed(chunk); n > 0; --n) {
      Event e;
      e.t_ns = now_ns;
      e.kind = EventKind::marker;
      e.source = EventSource::output;
      e.name = m.regex_text();
      events.push_back(std::move(e));
    }
  }
  return passed;
}

bool OutputTap::read_some(int fd, std::vector<Event>& events, bool until_empty) {
  char buf[65536];
  // Bounded even at the end: a background child writing without pause is handed to the forwarder.
  const int limit = until_empty ? 16 * kReadsPerWakeup : kReadsPerWakeup;
  for (int reads = 0; reads < limit; ++reads) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      // In packet mode each read is one write of the target, stamped when it is read.
      if (handle(fd == out_.get(), std::string_view(buf, static_cast<std::size_t>(n)), sys::monotonic_ns(), events))
        continue;
      // perfprobe's own reader is gone: close the read end, so the target sees EPIPE/SIGPIPE.
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return true;
    }
    // 0 = end of file; EIO = every slave end of the pty is closed.
    if (fd == out_.get())
      out_.reset();
    else
      err_.reset();
    return false;
  }
  return true;
}

bool OutputTap::on_readable(int fd, std::vector<Event>& events) { return read_some(fd, events, false); }

void OutputTap::finish(std::vector<Event>& events) {
  if (out_.valid() && read_some(out_.get(), events, true)) sys::forward_in_background(out_.get(), 1);
  if (err_.valid() && read_some(err_.get(), events, true)) sys::forward_in_background(err_.get(), 2);
  out_.reset();
  err_.reset();
}

}  // namespace perfprobe::markers
