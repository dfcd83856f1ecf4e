// The --serve endpoint on cpp-httplib (Debian's libcpp-httplib): a small HTTP server is a library's
// job, not perfprobe's. Two worker threads, one request per connection (a kept-alive connection
// makes httplib poll every 10 ms), and nothing runs between scrapes.
#include "metrics_server.hpp"

#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <mutex>
#include <thread>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/wakeup.hpp"

namespace perfprobe::app {

namespace {

constexpr std::size_t kWorkers = 2;
// Longer than any turn of the run loop; a scrape that waits this long gets 503, not a hang.
constexpr std::chrono::milliseconds kAnswerWait{5000};

std::string bracketed(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

[[noreturn]] void throw_bind_error(const std::string& host, int port, int err) {
  const std::string what = "--serve " + bracketed(host) + ":" + std::to_string(port);
  if (err == EADDRINUSE) {
    throw UsageError("cannot serve on " + what + ": the port is in use",
                     "pick another port, or --serve " + bracketed(host) + ":0 for a free one (printed on stderr)");
  }
  if (err == EACCES) {
    throw UsageError("cannot serve on " + what + ": ports below 1024 need privileges",
                     "use a port from 1024 up (Prometheus exporters commonly use 9100-9999)");
  }
  throw UsageError("cannot serve on " + what + ": " + (err != 0 ? std::strerror(err) : "no such address here"),
                   "give an address of this machine: 127.0.0.1 (the default), 0.0.0.0 for every interface, or [::1]");
}

// The q value of one media range of an Accept header ("text/plain;version=0.0.4;q=0.5" -> 0.5).
double quality(const std::string& range) {
  const auto at = range.find("q=");
  if (at == std::string::npos || (at > 0 && range[at - 1] != ';' && range[at - 1] != ' ')) return 1.0;
  return std::strtod(range.c_str() + at + 2, nullptr);
}

}  // namespace

report::Exposition negotiate_exposition(const std::string& accept) {
  double openmetrics = 0, plain = 0;
  std::size_t start = 0;
  while (start <= accept.size()) {
    const auto comma = accept.find(',', start);
    const std::string range = accept.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = range.find_first_not_of(' ');
    const std::string type = first == std::string::npos ? "" : range.substr(first, range.find(';') - first);
    const double q = quality(range);
    if (type.starts_with("application/openmetrics-text")) openmetrics = std::max(openmetrics, q);
    if (type.starts_with("text/plain") || type.starts_with("text/*") || type.starts_with("*/*"))
      plain = std::max(plain, q);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return openmetrics > plain ? report::Exposition::openmetrics : report::Exposition::prometheus_text;
}

struct MetricsServer::Impl {
  Impl(ScrapeExchange& e, report::ExportLabels l) : exchange(e), labels(std::move(l)) {}

  // One scrape at a time: the exchange has one consumer, and `history` is this thread's.
  void metrics(const httplib::Request& request, httplib::Response& response) {
    const std::lock_guard one_at_a_time(scrape_mutex);
    auto taken = exchange.request(kAnswerWait);
    if (!taken) {
      response.status = 503;
      response.set_content("perfprobe: the attach has ended (or is not measuring yet)\n", "text/plain");
      return;
    }
    std::vector<RunResult> runs(1);
    RunResult& run = runs.front();
    run = std::move(*taken);
    history.insert(history.end(), std::make_move_iterator(run.events.begin()),
                   std::make_move_iterator(run.events.end()));
    run.events = std::move(history);
    markers::analyze(plan, run);  // the final report's analysis, on the window so far
    const auto format = negotiate_exposition(request.get_header_value("Accept"));
    response.set_content(report::render_metrics(report::run_families(runs, labels), format),
                         format == report::Exposition::openmetrics ? report::kOpenMetricsContentType
                                                                   : report::kPrometheusTextContentType);
    history = std::move(run.events);  // analyze reads the events, never changes them
  }

  ScrapeExchange& exchange;
  markers::AnalysisPlan plan;  // set before the threads start, only read after
  const report::ExportLabels labels;
  std::mutex scrape_mutex;
  std::vector<Event> history;  // the window's events handed over so far (under scrape_mutex)
  httplib::Server http;
  std::thread thread;
  std::atomic<bool> listening_over{false};
};

MetricsServer::MetricsServer(const std::string& host, int port, ScrapeExchange& exchange, report::ExportLabels labels)
    : impl_(std::make_unique<Impl>(exchange, std::move(labels))) {
  auto& http = impl_->http;
  http.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  http.set_socket_options([](socket_t fd) { sys::reuse_address_only(fd); });
  http.set_keep_alive_max_count(1);
  http.Get("/metrics",
           [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) { impl->metrics(req, res); });
  errno = 0;
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound < 0) throw_bind_error(host, port, errno);
  address_ = bracketed(host) + ":" + std::to_string(bound);
}

void MetricsServer::start(const markers::AnalysisPlan& plan) {
  impl_->plan = plan;
  impl_->thread = std::thread([impl = impl_.get()] {
    (void)impl->http.listen_after_bind();
    impl->listening_over = true;
  });
  // stop() only acts on a server that runs: wait until it does (or gave up), so that the
  // destructor can always end it.
  while (!impl_->http.is_running() && !impl_->listening_over) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

MetricsServer::~MetricsServer() {
  impl_->exchange.close();  // a scrape waiting for the loop returns at once
  if (impl_->thread.joinable()) {
    impl_->http.stop();
    impl_->thread.join();
  }
}

}  // namespace perfprobe::app
