// `attach --serve`: the HTTP endpoint a Prometheus server scrapes, on the HTTP module's threads. GET
// /metrics asks the run loop for what is new (scrape_exchange.hpp), adds it to the live analysis
// (markers/live_analysis.hpp), which gives what the final report would, and renders the figures
// with the --openmetrics writer (docs/exports.md).
#pragma once

#include <memory>
#include <string>

#include "counter_totals.hpp"
#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/report/openmetrics.hpp"
#include "scrape_exchange.hpp"

namespace perfprobe::app {

class MetricsServer {
 public:
  // Binds now, so that a port in use or an address not of this machine is a UsageError before the
  // attach begins.
  MetricsServer(const std::string& host, int port, ScrapeExchange& exchange, report::ExportLabels labels);
  ~MetricsServer();  // closes the exchange, stops listening, joins the threads
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // "127.0.0.1:43121" or "[::1]:9464": the port the kernel gave when 0 was asked.
  [[nodiscard]] const std::string& address() const noexcept { return address_; }
  // Serves from now on the first target's window, analysing with `plan` (copied before the threads
  // start). Call it once the signals are blocked (Session): threads inherit the mask, and Ctrl-C
  // must reach the signalfd.
  void start(const markers::AnalysisPlan& plan);
  // --follow: a window opens on the next target; scrapes show its figures from now on. Call before
  // the run loop opens the exchange again.
  void target_attached();
  // That target's window closed with these final figures (analysed): its counters are carried into
  // what later scrapes show, so that none goes down (counter_totals.hpp).
  void target_ended(const RunResult& final_figures);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string address_;
};

// The exposition a scrape's Accept header prefers: OpenMetrics when it ranks
// application/openmetrics-text above text/plain, else Prometheus text 0.0.4.
[[nodiscard]] report::Exposition negotiate_exposition(const std::string& accept);

}  // namespace perfprobe::app
