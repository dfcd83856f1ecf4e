// The --serve endpoint: the HTTP module (http_endpoint.hpp) loaded from next to perfprobe, and the
// answer to each scrape: what the run loop handed over through the exchange, added to the live
// analysis of the current target, with the counters of the targets before it carried.
#include "metrics_server.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>

#include "http_endpoint.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/markers/live_analysis.hpp"
#include "perfprobe/sys/process.hpp"
#include "perfprobe/sys/shared_library.hpp"
#include "perfprobe/sys/wakeup.hpp"

namespace perfprobe::app {

namespace {

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

// perfprobe-http.so beside the executable (the build tree) or in ../lib/perfprobe (an install).
std::string http_module_path() {
  const std::filesystem::path exe = sys::executable_of(::getpid());
  for (const auto& candidate :
       {exe.parent_path() / kHttpModule, exe.parent_path() / "../lib/perfprobe" / kHttpModule}) {
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return candidate.lexically_normal().string();
  }
  return kHttpModule;  // let the loader say what it could not find
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

  // One scrape at a time: the exchange has one consumer, and the analysis is this thread's.
  HttpAnswer metrics(const std::string& accept) {
    const std::lock_guard one_at_a_time(scrape_mutex);
    auto taken = exchange.request(kAnswerWait);
    std::vector<report::MetricFamily> families;
    if (taken && live) {
      live->add(std::move(*taken));  // only what is new is analysed
      families = live_families();
    } else if (exchange.closed()) {  // between two targets of --follow, or the attach is ending
      families = report::run_families({}, labels);
    } else {
      return {503, "perfprobe: the attach is not measuring yet, or too busy to answer\n", "text/plain"};
    }
    totals.apply(families);
    target_families(families, taken.has_value());
    const auto format = negotiate_exposition(accept);
    return {200, report::render_metrics(families, format),
            format == report::Exposition::openmetrics ? report::kOpenMetricsContentType
                                                      : report::kPrometheusTextContentType};
  }

  // The families of the window so far, as the final report would give them.
  [[nodiscard]] std::vector<report::MetricFamily> live_families() const {
    report::LatencySummary latency;
    for (const double q : report::kLatencyQuantiles)
      latency.quantiles.emplace_back(q, live->latency_percentile_ms(q * 100) / 1e3);
    latency.sum_s = live->latency_sum_ms() / 1e3;
    latency.count = static_cast<double>(live->latency_count());
    return report::run_families({live->figures()}, labels, {latency});
  }

  // Whether a target is measured now, and how many have been (docs/exports.md, "--follow").
  void target_families(std::vector<report::MetricFamily>& families, bool up) const {
    const report::Labels l{{"command", labels.command}, {"host", labels.host}};
    families.push_back({"perfprobe_target_up",
                        report::MetricType::gauge,
                        "",
                        "1 while perfprobe is attached to a target, 0 while it waits for one (--follow).",
                        {{"", l, up ? 1.0 : 0.0}}});
    families.push_back({"perfprobe_targets",
                        report::MetricType::counter,
                        "",
                        "Processes attached to so far: the first, and each one --follow found after it.",
                        {{"_total", l, static_cast<double>(targets)}}});
  }

  ScrapeExchange& exchange;
  markers::AnalysisPlan plan;  // set before the threads start, only read after
  const report::ExportLabels labels;
  std::mutex scrape_mutex;
  // Under scrape_mutex: the current target's window, the counters of those before, their count.
  std::optional<markers::LiveAnalysis> live;
  CounterTotals totals;
  std::uint64_t targets = 0;
  // The module outlives the endpoint its code runs (members are destroyed in reverse order).
  std::optional<sys::SharedLibrary> module;
  std::unique_ptr<HttpEndpoint> http;
};

MetricsServer::MetricsServer(const std::string& host, int port, ScrapeExchange& exchange, report::ExportLabels labels)
    : impl_(std::make_unique<Impl>(exchange, std::move(labels))) {
  impl_->module.emplace(http_module_path(), "--serve needs perfprobe's HTTP module, " + std::string(kHttpModule) +
                                                ", beside the perfprobe executable or in ../lib/perfprobe: install "
                                                "perfprobe whole (cmake --install) with Debian's libcpp-httplib0.11");
  auto* make = impl_->module->function<MakeHttpEndpoint>(kMakeHttpEndpoint);
  int err = 0;
  impl_->http.reset(make(
      host, port, [impl = impl_.get()](const std::string& accept) { return impl->metrics(accept); },
      [](int fd) { sys::reuse_address_only(fd); }, &err));
  if (!impl_->http) throw_bind_error(host, port, err);
  address_ = bracketed(host) + ":" + std::to_string(impl_->http->port());
}

void MetricsServer::start(const markers::AnalysisPlan& plan) {
  impl_->plan = plan;
  impl_->live.emplace(plan);  // the first target's window; no scrape can hold the mutex yet
  impl_->targets = 1;
  impl_->http->start();
}

void MetricsServer::target_attached() {
  const std::lock_guard one_at_a_time(impl_->scrape_mutex);
  impl_->live.emplace(impl_->plan);
  ++impl_->targets;
}

void MetricsServer::target_ended(const RunResult& final_figures) {
  const std::lock_guard one_at_a_time(impl_->scrape_mutex);
  impl_->totals.carry(report::run_families({final_figures}, impl_->labels));
  impl_->live.reset();
}

MetricsServer::~MetricsServer() {
  impl_->exchange.close();  // a scrape waiting for the loop returns at once
  impl_->http.reset();      // stops serving, joins the threads
}

}  // namespace perfprobe::app
