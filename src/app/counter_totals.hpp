// Counters that never go down while `attach --serve --follow` measures one target after another: a
// finished target's counters are carried into what the next one shows, and every counter series
// keeps at least the value it last showed and stays listed (docs/exports.md, "--follow").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "perfprobe/report/openmetrics.hpp"

namespace perfprobe::app {

class CounterTotals {
 public:
  // A target ended with these figures (its final report's families): its counters are carried.
  void carry(const std::vector<report::MetricFamily>& finished);
  // Adds what was carried to the counters of `families` (the current target's, or none between two
  // targets) and to the _sum and _count of summaries, lists every series shown before, and holds
  // each at its high-water mark (a live figure such as the stall count may be revised down).
  void apply(std::vector<report::MetricFamily>& families);

 private:
  struct Series {
    std::string family;
    report::MetricPoint point;  // suffix and labels; value unused
    double carried = 0;         // the finished targets' sum
    double shown = 0;           // the largest value shown so far
  };
  std::map<std::string, report::MetricFamily> kinds_;  // by family name, without points
  std::map<std::string, Series> series_;               // by family, suffix and labels
};

}  // namespace perfprobe::app
