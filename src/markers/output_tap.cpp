// Pass-through and matching of the target's output. Nothing here may block: the read ends are
// non-blocking and perfprobe's own stdout/stderr are written with write_all (a full terminal
// stalls perfprobe as it would stall the target, which is the honest behaviour).
#include "perfprobe/markers/output_tap.hpp"

#include <unistd.h>

#include <cerrno>

#include "perfprobe/sys/pty.hpp"

namespace perfprobe::markers {

namespace {
constexpr std::size_t kMaxPending = 64 * 1024;  // bytes kept for a match that may span chunks
}

StreamMatcher::StreamMatcher(std::string regex)
    : text_(std::move(regex)), regex_(text_, std::regex::ECMAScript | std::regex::multiline) {}

std::size_t StreamMatcher::feed(std::string_view chunk) {
  buffer_.append(chunk);
  std::size_t count = 0;
  std::size_t pos = 0;
  const bool complete_line = !buffer_.empty() && buffer_.back() == '\n';
  std::smatch m;
  while (pos <= buffer_.size()) {
    auto flags = complete_line ? std::regex_constants::match_default : std::regex_constants::match_not_eol;
    if (pos > 0) flags |= std::regex_constants::match_prev_avail;
    if (!std::regex_search(buffer_.cbegin() + static_cast<std::ptrdiff_t>(pos), buffer_.cend(), m, regex_, flags))
      break;
    ++count;
    const auto end = pos + static_cast<std::size_t>(m.position(0) + m.length(0));
    pos = m.length(0) == 0 ? end + 1 : end;
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
    sys::Pipe p = sys::make_pipe();
    out_ = std::move(p.read);
    child_out_ = std::move(p.write);
  }
  sys::Pipe e = sys::make_pipe();
  err_ = std::move(e.read);
  child_err_ = std::move(e.write);
  sys::set_nonblocking(out_.get());
  sys::set_nonblocking(err_.get());
  for (const auto& r : plan.regexes) {
    out_matchers_.emplace_back(r);
    err_matchers_.emplace_back(r);
  }
}

void OutputTap::close_child_ends() noexcept {
  child_out_.reset();
  child_err_.reset();
}

void OutputTap::handle(bool is_stdout, std::string_view chunk, std::int64_t now_ns, std::vector<Event>& events) {
  (void)sys::write_all(is_stdout ? 1 : 2, chunk.data(), chunk.size());
  if (plan_.chunk_events) {
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
}

bool OutputTap::read_some(int fd, std::int64_t now_ns, std::vector<Event>& events, bool until_empty) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      handle(fd == out_.get(), std::string_view(buf, static_cast<std::size_t>(n)), now_ns, events);
      // One chunk per wake-up keeps one event per write of the target (a token each).
      if (!until_empty && static_cast<std::size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    // 0 = end of file; EIO = every slave end of the pty is closed.
    if (fd == out_.get())
      out_.reset();
    else
      err_.reset();
    return false;
  }
}

bool OutputTap::on_readable(int fd, std::int64_t now_ns, std::vector<Event>& events) {
  return read_some(fd, now_ns, events, false);
}

void OutputTap::drain(std::int64_t now_ns, std::vector<Event>& events) {
  if (out_.valid()) (void)read_some(out_.get(), now_ns, events, true);
  if (err_.valid()) (void)read_some(err_.get(), now_ns, events, true);
}

}  // namespace perfprobe::markers
