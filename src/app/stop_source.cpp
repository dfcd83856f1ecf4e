// SIGTERM, then SIGKILL after the grace period: the same sequence for --stop-after, --timeout and the
// end of a --drive client. The target is not reaped before the loop ends, so its pid stays valid.
// Attached, the source only asks the run loop to close the window (RunSource::window_end).
#include "stop_source.hpp"

#include <signal.h>

#include "perfprobe/launch/child.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/process.hpp"

namespace perfprobe::app {

namespace {

class StopSource final : public RunSource {
 public:
  explicit StopSource(StopPlan plan) : plan_(std::move(plan)) {
    if (plan_.after) after_.emplace(*plan_.after, plan_.analysis);
    if (!plan_.drive.empty()) ready_.emplace(markers::parse_stop("ready", "--drive"), plan_.analysis);
  }

  void open(pid_t pid, bool attached, std::vector<std::string>&) override {
    pid_ = pid;
    attached_ = attached;
  }

  void start(sys::EventLoop& loop, Timeline& timeline) override {
    loop_ = &loop;
    timeline_ = &timeline;
    timeline.add_listener([this](const Event& e) { on_event(e); });
    if (plan_.after_ns > 0) {
      once(plan_.after_ns, [this] { stop("--stop-after " + plan_.after_text, false); });
    }
    if (plan_.timeout_ns > 0) once(plan_.timeout_ns, [this] { stop("--timeout " + plan_.timeout_text, true); });
    // A running server was ready long before the attach: only an explicit --ready is waited for.
    if (attached_ && !plan_.drive.empty() && !plan_.analysis.ready) start_drive();
  }

  [[nodiscard]] std::optional<WindowEnd> window_end() const override { return window_end_; }

  void finish(Timeline& timeline, RunResult& r) override {
    if (client_ && !drive_->finished) {  // the target (or the attach) ended first: nothing left to drive
      client_->signal(SIGKILL);
      end_drive(client_->reap(), false, timeline);
    }
    r.drive = drive_;
    if (attached_) {
      if (r.ended_by == "until" && plan_.after) r.until = plan_.after->text;
      if (drive_ && drive_->finished && drive_->exit_code != 0) r.exit_code = drive_->exit_code;  // as run does
      return;
    }
    if (!stopped_) return;
    r.stopped = stopped_;
    const bool ours = r.signal && (*r.signal == SIGTERM || *r.signal == SIGKILL);
    if (stopped_->timed_out) {
      r.exit_code = 124;  // as timeout(1): the run failed
    } else if (drive_ && drive_->exit_code != 0) {
      r.exit_code = drive_->exit_code;  // a failing client fails the run
    } else if (ours) {
      r.exit_code = 0;  // ended as asked
    }
  }

 private:
  void once(std::int64_t after_ns, std::function<void()> fn) {
    auto id = std::make_shared<int>(-1);
    *id = loop_->add_timer(std::chrono::nanoseconds(after_ns), [this, id, fn = std::move(fn)] {
      loop_->remove_timer(*id);
      fn();
    });
  }

  void on_event(const Event& e) {
    if (after_ && !stopped_ && !window_end_ && after_->on_event(e)) {
      if (attached_) {
        window_end_ = WindowEnd{e.t_ns, "until"};  // this hit is the window's last event
      } else {
        stop(plan_.after_option + " " + plan_.after->text, false);
      }
    }
    if (ready_ && !client_ && !stopped_ && !window_end_ && ready_->on_event(e)) start_drive();
  }

  void stop(const std::string& by, bool timed_out) {
    if (attached_) {  // never the target: the window closes now
      if (!window_end_) window_end_ = WindowEnd{timeline_->relative(sys::monotonic_ns()), "drive"};
      return;
    }
    if (stopped_) return;
    StopRecord s;
    s.by = by;
    s.t_ns = timeline_->relative(sys::monotonic_ns());
    s.signals.emplace_back("SIGTERM");
    s.timed_out = timed_out;
    stopped_ = std::move(s);
    sys::signal_process(pid_, SIGTERM);
    once(plan_.grace_ns, [this] {  // still running after the grace (the loop ends at its exit)
      stopped_->signals.emplace_back("SIGKILL");
      sys::signal_process(pid_, SIGKILL);
    });
  }

  void start_drive() {
    launch::LaunchSpec spec;
    spec.argv = {"/bin/sh", "-c", plan_.drive};
    spec.stdout_fd = 2;  // the target owns stdout; the client's output goes with perfprobe's
    client_ = std::make_unique<launch::Child>(spec);
    DriveRecord d;
    d.command = plan_.drive;
    d.start_ns = timeline_->relative(client_->release());
    drive_ = d;
    Event b;
    b.t_ns = timeline_->t0_mono_ns() + d.start_ns;
    b.kind = EventKind::phase_begin;
    b.source = EventSource::drive;
    b.name = "drive.begin";
    timeline_->add(std::move(b));
    loop_->add_fd(client_->pidfd(), [this] {
      loop_->remove_fd(client_->pidfd());
      end_drive(client_->reap(), true, *timeline_);
      stop("--drive", false);
    });
  }

  void end_drive(const launch::ExitStatus& st, bool finished, Timeline& timeline) {
    drive_->end_ns = timeline.relative(sys::monotonic_ns());
    drive_->exit_code = st.exit_code;
    drive_->finished = finished;
    Event e;
    e.t_ns = timeline.t0_mono_ns() + drive_->end_ns;
    e.kind = EventKind::phase_end;
    e.source = EventSource::drive;
    e.name = "drive.end";
    e.args.push_back(st.exit_code);
    timeline.add(std::move(e));
  }

  StopPlan plan_;
  std::optional<markers::StopWatch> after_;
  std::optional<markers::StopWatch> ready_;
  pid_t pid_ = -1;
  bool attached_ = false;
  std::optional<WindowEnd> window_end_;
  sys::EventLoop* loop_ = nullptr;
  Timeline* timeline_ = nullptr;
  std::optional<StopRecord> stopped_;
  std::unique_ptr<launch::Child> client_;
  std::optional<DriveRecord> drive_;
};

}  // namespace

std::unique_ptr<RunSource> make_stop_source(const StopPlan& plan) { return std::make_unique<StopSource>(plan); }

}  // namespace perfprobe::app
