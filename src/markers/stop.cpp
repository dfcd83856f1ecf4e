// Stop conditions over a live timeline.
#include "perfprobe/markers/stop.hpp"

#include <charconv>

#include "perfprobe/error.hpp"

namespace perfprobe::markers {

StopSpec parse_stop(const std::string& text, const std::string& option) {
  StopSpec s;
  s.text = text;
  if (text == "ready") {
    s.kind = StopSpec::Kind::ready;
  } else if (text.starts_with("tokens:")) {
    s.kind = StopSpec::Kind::tokens;
    const char* b = text.data() + 7;
    const char* e = text.data() + text.size();
    const auto [p, ec] = std::from_chars(b, e, s.tokens);
    if (ec != std::errc() || p != e || s.tokens == 0) {
      throw UsageError(option + " '" + text + "': tokens:N needs a count of 1 or more", "e.g. tokens:100");
    }
  } else {
    s.kind = StopSpec::Kind::marker;
    s.spec = parse_spec(text, option);
  }
  return s;
}

StopWatch::StopWatch(StopSpec stop, const AnalysisPlan& plan) : stop_(std::move(stop)), plan_(&plan) {
  if (stop_.kind == StopSpec::Kind::marker) hits_.emplace(*stop_.spec);
  if (stop_.kind == StopSpec::Kind::ready && plan_->ready) hits_.emplace(*plan_->ready);
  if (stop_.kind == StopSpec::Kind::tokens && plan_->tokens) hits_.emplace(*plan_->tokens);
}

bool StopWatch::on_event(const Event& e) {
  if (done_) return true;
  bool hit = false;
  if (hits_) {
    hit = (*hits_)(e);
  } else if (stop_.kind == StopSpec::Kind::ready) {
    hit = e.source == EventSource::mark && e.kind == EventKind::ready;  // the marker API's PERFPROBE_READY()
  } else if (stop_.kind == StopSpec::Kind::tokens) {
    hit = e.source == EventSource::mark && e.kind == EventKind::token;  // PERFPROBE_TOKEN()
  }
  if (hit && stop_.kind == StopSpec::Kind::tokens) hit = ++tokens_ >= stop_.tokens;
  done_ = hit;
  return done_;
}

}  // namespace perfprobe::markers
