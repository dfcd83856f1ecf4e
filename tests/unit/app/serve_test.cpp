// attach --serve's pieces without a network: the exchange between the HTTP thread and the run
// loop (no events lost, none twice, nothing after the window closed) and the Accept negotiation.
#include <gtest/gtest.h>
#include <poll.h>

#include <future>

#include "app/metrics_server.hpp"
#include "app/scrape_exchange.hpp"

using perfprobe::Event;
using perfprobe::RunResult;
using perfprobe::app::ScrapeExchange;
using perfprobe::report::Exposition;
using namespace std::chrono_literals;

namespace {

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// What the loop hands over: `n` new events and the time so far.
RunResult increment(int n, std::int64_t wall_ns) {
  RunResult r;
  r.wall_ns = wall_ns;
  r.events.resize(static_cast<std::size_t>(n));
  return r;
}

}  // namespace

TEST(ScrapeExchange, EachRequestGetsTheNewEventsAndTheFiguresNow) {
  ScrapeExchange exchange;
  EXPECT_FALSE(readable(exchange.fd(), 0)) << "no wake-up while nobody asks";
  auto first = std::async(std::launch::async, [&] { return exchange.request(10s); });
  ASSERT_TRUE(readable(exchange.fd(), 10000));
  exchange.answer([] { return increment(3, 100); });
  const auto a = first.get();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->events.size(), 3u);
  EXPECT_EQ(a->wall_ns, 100);
  EXPECT_FALSE(readable(exchange.fd(), 0)) << "answered: the loop is not woken again";

  auto second = std::async(std::launch::async, [&] { return exchange.request(10s); });
  ASSERT_TRUE(readable(exchange.fd(), 10000));
  exchange.answer([] { return increment(2, 200); });
  const auto b = second.get();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->events.size(), 2u) << "only what came since the first answer";
  EXPECT_EQ(b->wall_ns, 200);
}

TEST(ScrapeExchange, ARequestThatGaveUpLosesNoEvents) {
  ScrapeExchange exchange;
  EXPECT_FALSE(exchange.request(1ms).has_value()) << "the loop did not answer in time";
  ASSERT_TRUE(readable(exchange.fd(), 0));
  exchange.answer([] { return increment(4, 100); });  // late: nobody takes it now
  auto next = std::async(std::launch::async, [&] { return exchange.request(10s); });
  ASSERT_TRUE(readable(exchange.fd(), 10000));
  exchange.answer([] { return increment(1, 300); });
  const auto r = next.get();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->events.size(), 5u) << "the late answer's events come with the next one";
  EXPECT_EQ(r->wall_ns, 300) << "the figures are the latest";
}

TEST(ScrapeExchange, AfterTheWindowClosedRequestsGetNothingAtOnce) {
  ScrapeExchange exchange;
  auto waiting = std::async(std::launch::async, [&] { return exchange.request(60s); });
  ASSERT_TRUE(readable(exchange.fd(), 10000));
  exchange.close();
  EXPECT_EQ(waiting.wait_for(10s), std::future_status::ready) << "a waiting scrape is released";
  EXPECT_FALSE(waiting.get().has_value());
  EXPECT_FALSE(exchange.request(60s).has_value());
}

TEST(NegotiateExposition, PrometheusTextUnlessOpenMetricsRanksHigher) {
  using perfprobe::app::negotiate_exposition;
  EXPECT_EQ(negotiate_exposition(""), Exposition::prometheus_text);
  EXPECT_EQ(negotiate_exposition("*/*"), Exposition::prometheus_text);
  EXPECT_EQ(negotiate_exposition("text/plain;version=0.0.4"), Exposition::prometheus_text);
  // What Prometheus 2.x sends.
  EXPECT_EQ(negotiate_exposition("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                                 "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            Exposition::openmetrics);
  EXPECT_EQ(negotiate_exposition("application/openmetrics-text"), Exposition::openmetrics);
  EXPECT_EQ(negotiate_exposition("application/openmetrics-text;q=0.2, text/plain"), Exposition::prometheus_text);
  EXPECT_EQ(negotiate_exposition("application/openmetrics-text;q=0"), Exposition::prometheus_text);
}

TEST(ScrapeExchange, OpenedAgainItAnswersTheNewWindowOnly) {
  ScrapeExchange exchange;
  EXPECT_FALSE(exchange.request(1ms).has_value());
  exchange.answer([] { return increment(4, 100); });  // the first window's, never taken
  exchange.close();
  EXPECT_TRUE(exchange.closed());
  EXPECT_FALSE(exchange.request(60s).has_value()) << "between two windows: nothing, at once";
  exchange.open();  // --follow: the next target's window
  EXPECT_FALSE(exchange.closed());
  auto next = std::async(std::launch::async, [&] { return exchange.request(10s); });
  ASSERT_TRUE(readable(exchange.fd(), 10000));
  exchange.answer([] { return increment(1, 5); });
  const auto r = next.get();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->events.size(), 1u) << "none of the first window's events";
  EXPECT_EQ(r->wall_ns, 5);
}
