// Stop conditions (--stop-after, --until) and the HTTP status line of http: readiness.
#include <gtest/gtest.h>

#include "perfprobe/error.hpp"
#include "perfprobe/markers/readiness.hpp"
#include "perfprobe/markers/stop.hpp"

using namespace perfprobe;
using namespace perfprobe::markers;

namespace {
Event ev(EventKind kind, EventSource source, const std::string& name) {
  Event e;
  e.kind = kind;
  e.source = source;
  e.name = name;
  return e;
}
}  // namespace

TEST(Stop, ReadyTokensAndMarkers) {
  AnalysisPlan plan;
  StopWatch ready(parse_stop("ready", "--stop-after"), plan);
  EXPECT_FALSE(ready.on_event(ev(EventKind::token, EventSource::mark, "token")));
  EXPECT_TRUE(ready.on_event(ev(EventKind::ready, EventSource::mark, "ready")));
  EXPECT_TRUE(ready.on_event(ev(EventKind::token, EventSource::mark, "token")));  // stays true

  plan.ready = parse_spec("http:8080", "--ready");
  StopWatch http(parse_stop("ready", "--stop-after"), plan);
  EXPECT_FALSE(http.on_event(ev(EventKind::ready, EventSource::mark, "ready")));  // --ready replaced the default
  EXPECT_TRUE(http.on_event(ev(EventKind::ready, EventSource::http, "http:8080")));

  plan.tokens = parse_spec("uretprobe:decode", "--tokens");
  StopWatch three(parse_stop("tokens:3", "--until"), plan);
  EXPECT_FALSE(three.on_event(ev(EventKind::marker, EventSource::uprobe, "uretprobe:decode")));
  EXPECT_FALSE(three.on_event(ev(EventKind::marker, EventSource::uprobe, "uprobe:decode")));
  EXPECT_FALSE(three.on_event(ev(EventKind::marker, EventSource::uprobe, "uretprobe:decode")));
  EXPECT_TRUE(three.on_event(ev(EventKind::marker, EventSource::uprobe, "uretprobe:decode")));

  StopWatch second(parse_stop("usdt:llm:done/2", "--until"), plan);
  EXPECT_FALSE(second.on_event(ev(EventKind::marker, EventSource::usdt, "llm:done")));
  EXPECT_TRUE(second.on_event(ev(EventKind::marker, EventSource::usdt, "llm:done")));

  for (const char* bad : {"tokens:0", "tokens:x", "nope", ""}) {
    EXPECT_THROW((void)parse_stop(bad, "--until"), UsageError) << bad;
  }
}

TEST(HttpStatus, NeedsACompleteStatusLine) {
  EXPECT_FALSE(http_status("HTTP/1.1 20").has_value());
  EXPECT_EQ(http_status("HTTP/1.1 200 OK\r\n"), 200);
  EXPECT_EQ(http_status("HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\n"), 503);
  EXPECT_EQ(http_status("HTTP/1.1 abc\r\n"), 0);
  EXPECT_EQ(http_status("SSH-2.0-OpenSSH\r\n"), 0);
}
