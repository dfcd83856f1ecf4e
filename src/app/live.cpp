// The live status line in the terminal's last row, kept out of the target's way by a scroll region,
// and the count line of long steps (docs/live.md).
#include "live.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string_view>

#include "perfprobe/markers/spec.hpp"
#include "perfprobe/report/live_line.hpp"
#include "perfprobe/sys/clock.hpp"

namespace perfprobe::app {

namespace {

constexpr std::chrono::milliseconds kRedraw{250};
constexpr std::int64_t kRedrawNs = 250'000'000;
constexpr std::int64_t kShowAfterNs = 1'000'000'000;  // quick commands never see a line flash by
constexpr std::int64_t kRateWindowNs = 1'000'000'000;

bool env_is(const char* name, std::string_view value) {
  const char* v = std::getenv(name);
  return v != nullptr && value == v;
}

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

// Octal escapes: "\0337" is ESC then '7' (a hex escape would swallow the 7).
constexpr std::string_view kSaveCursor = "\0337";     // DECSC
constexpr std::string_view kRestoreCursor = "\0338";  // DECRC

// The last row is drawn from a saved cursor, so the target's cursor stays where the target left it.
std::string row_bytes(int row, std::string_view text) {
  std::string out(kSaveCursor);
  out += "\033[" + std::to_string(row) + ";1H\033[2K";
  out += text;
  out += kRestoreCursor;
  return out;
}

// IND then RI leave the cursor in its column with a row below it (scrolling once if it was on the
// last row); the region (DECSTBM, which homes the cursor) then covers every row but the last, and
// the saved cursor is restored inside it.
std::string region_setup(int rows) {
  std::string out = "\033D\033M";
  out += kSaveCursor;
  out += "\033[1;" + std::to_string(rows - 1) + "r";
  out += kRestoreCursor;
  return out;
}

// The whole screen scrolls again and the last row is blank.
std::string region_teardown(int rows) {
  std::string out(kSaveCursor);
  out += "\033[r";
  out += kRestoreCursor;
  return out + row_bytes(rows, "");
}

}  // namespace

bool progress_wanted(bool off) { return !off && sys::is_terminal(2) && !env_is("TERM", "dumb") && !env_set("CI"); }

LiveStatus::LiveStatus(int runs, int warmups) : runs_(runs), warmups_(warmups), series_start_ns_(sys::monotonic_ns()) {}

void LiveStatus::run_started(sys::EventLoop& loop, std::int64_t t0, int index, const markers::AnalysisPlan& plan) {
  t0_ = t0;
  index_ = index;
  in_run_ = true;
  plan_ = &plan;
  token_hits_.reset();
  if (plan.tokens) token_hits_.emplace(*plan.tokens);
  open_phases_.clear();
  tokens_ = 0;
  recent_tokens_ns_.clear();
  rss_bytes_.reset();
  loop.add_timer(kRedraw, [this] { tick(); });
}

void LiveStatus::on_event(const Event& e) {
  if (e.kind == EventKind::rss && e.rss) rss_bytes_ = e.rss->rss_bytes;
  if (plan_ == nullptr || e.kind == EventKind::rss || e.kind == EventKind::counters) return;
  if (token_hits_ ? (*token_hits_)(e) : plan_->is_token(e)) {
    ++tokens_;
    recent_tokens_ns_.push_back(e.t_ns);
  }
  const auto close = [this](const std::string& name) {
    const auto it = std::find(open_phases_.rbegin(), open_phases_.rend(), name);
    if (it != open_phases_.rend()) open_phases_.erase(std::next(it).base());
  };
  const bool api = e.source == EventSource::mark || e.source == EventSource::drive;  // --drive is a phase too
  if (api && e.kind == EventKind::phase_begin && e.name.ends_with(".begin")) {
    open_phases_.push_back(e.name.substr(0, e.name.size() - 6));
  } else if (api && e.kind == EventKind::phase_end && e.name.ends_with(".end")) {
    close(e.name.substr(0, e.name.size() - 4));
  }
  for (const auto& p : plan_->phases) {
    if (markers::matches(p.begin, e)) {
      open_phases_.push_back(p.name);
    } else if (markers::matches(p.end, e)) {
      close(p.name);
    }
  }
}

void LiveStatus::run_ended(std::int64_t wall_ns) {
  plan_ = nullptr;
  in_run_ = false;
  ++finished_;
  all_wall_s_ += seconds(wall_ns);
  if (index_ >= warmups_) {
    ++measured_;
    measured_wall_s_ += seconds(wall_ns);
    last_wall_s_ = seconds(wall_ns);
  }
  const std::int64_t now = sys::monotonic_ns();
  if (index_ + 1 < runs_ + warmups_ && now - last_draw_ns_ >= kRedrawNs) draw(now);
}

void LiveStatus::tick() { draw(sys::monotonic_ns()); }

void LiveStatus::draw(std::int64_t now) {
  const int total = runs_ + warmups_;
  const double per_run_s = finished_ > 0 ? all_wall_s_ / finished_ : 0;
  // A series that will take a second shows from its second run on; anything shows after a second.
  if (now - series_start_ns_ < kShowAfterNs && per_run_s * total < seconds(kShowAfterNs)) return;
  const auto size = sys::terminal_size(2);
  if (!size || size->rows < 3) {
    clear();
    return;
  }
  last_draw_ns_ = now;
  report::LiveFigures f;
  f.runs = runs_;
  f.warmups = warmups_;
  const int shown = in_run_ ? index_ : index_ + 1;  // between runs: the next one
  if (shown < warmups_) {
    f.warmup = shown + 1;
  } else {
    f.run = shown - warmups_ + 1;
  }
  f.last_wall_s = last_wall_s_;
  if (measured_ > 0) f.mean_wall_s = measured_wall_s_ / measured_;
  const std::int64_t elapsed = now - t0_;
  if (finished_ > 0) {
    f.eta_s = per_run_s * (total - shown - 1) + (in_run_ ? std::max(0.0, per_run_s - seconds(elapsed)) : per_run_s);
  }
  if (in_run_) {
    f.elapsed_s = seconds(elapsed);
    if (!open_phases_.empty()) f.phase = open_phases_.back();
    if (tokens_ > 0 || (plan_ != nullptr && plan_->tokens)) {
      while (!recent_tokens_ns_.empty() && recent_tokens_ns_.front() <= elapsed - kRateWindowNs) {
        recent_tokens_ns_.pop_front();
      }
      f.tokens = tokens_;
      const double window_s = std::min(seconds(kRateWindowNs), seconds(elapsed));
      if (window_s > 0) f.tokens_per_s = static_cast<double>(recent_tokens_ns_.size()) / window_s;
    }
    f.rss_bytes = rss_bytes_;
  }
  std::string out;
  if (region_rows_ != size->rows) {
    if (region_rows_ != 0) out += region_teardown(region_rows_);
    out += region_setup(size->rows);
    region_rows_ = size->rows;
  }
  out += row_bytes(region_rows_, report::live_line(f, static_cast<std::size_t>(size->columns)));
  sys::write_fully(2, out);
}

void LiveStatus::clear() {
  if (region_rows_ == 0) return;
  sys::write_fully(2, region_teardown(region_rows_));
  region_rows_ = 0;
}

CountProgress::CountProgress(std::string what, std::string unit, bool off)
    : what_(std::move(what)), unit_(std::move(unit)), wanted_(progress_wanted(off)), start_ns_(sys::monotonic_ns()) {}

void CountProgress::update(std::uint64_t done, std::uint64_t total) {
  if (!wanted_) return;
  const std::int64_t now = sys::monotonic_ns();
  if (now - start_ns_ < kShowAfterNs || now - last_draw_ns_ < kRedrawNs) return;
  last_draw_ns_ = now;
  const auto size = sys::terminal_size(2);
  if (!size) return;
  // Nothing else writes while this step runs (no target), so the line is simply redrawn in place.
  sys::write_fully(2,
                   "\r\x1b[K" + report::count_line(what_, done, total, unit_, static_cast<std::size_t>(size->columns)));
  drawn_ = true;
}

void CountProgress::clear() {
  if (!drawn_) return;
  sys::write_fully(2, "\r\x1b[K");
  drawn_ = false;
}

}  // namespace perfprobe::app
