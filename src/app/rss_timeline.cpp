// RSS samples of the process tree as timeline events, and the one-time --rss-warn warning.
#include "rss_timeline.hpp"

#include "perfprobe/report/views.hpp"
#include "perfprobe/sys/clock.hpp"

namespace perfprobe::app {

void RssTimeline::sample(Timeline& timeline, RunResult& result) {
  const std::int64_t now = sys::monotonic_ns();
  const auto s = sampler_.sample(timeline.relative(now));
  if (!s) return;
  result.peak_tree_rss_bytes = std::max(result.peak_tree_rss_bytes, s->rss_bytes);
  result.rss.push_back(*s);
  if (warn_bytes_ > 0 && s->rss_bytes >= warn_bytes_ && !warned_) {
    warned_ = true;
    Event w;
    w.t_ns = now;
    w.kind = EventKind::warning;
    w.source = EventSource::rss;
    w.name = "rss_warn";
    w.text = "RSS " + report::format_bytes(static_cast<double>(s->rss_bytes)) + " crossed --rss-warn " +
             report::format_bytes(static_cast<double>(warn_bytes_)) + " at " +
             report::format_duration_ns(static_cast<double>(timeline.relative(now))) + " after the start";
    diag_.warning(w.text);
    timeline.add(std::move(w));
  }
  Event e;
  e.t_ns = now;
  e.kind = EventKind::rss;
  e.source = EventSource::proc;
  e.rss = *s;
  timeline.add(std::move(e));
}

}  // namespace perfprobe::app
