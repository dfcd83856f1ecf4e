// When to end a target or an attach early: --stop-after / --until SPEC, where SPEC is a marker spec
// (its first hit, or its Nth with /N), `ready` (the run's readiness), or `tokens:N` (the Nth token as
// --tokens defines it). Pure: fed the timeline's events as they arrive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/markers/spec.hpp"

namespace perfprobe::markers {

struct StopSpec {
  enum class Kind { marker, ready, tokens } kind = Kind::marker;
  std::string text;                // as written
  std::optional<MarkerSpec> spec;  // kind marker
  std::uint64_t tokens = 0;        // kind tokens
};

// `option` names the flag in errors. Throws UsageError.
[[nodiscard]] StopSpec parse_stop(const std::string& text, const std::string& option);

class StopWatch {
 public:
  // `plan` gives what ready and a token are; it must outlive the watch.
  StopWatch(StopSpec stop, const AnalysisPlan& plan);
  StopWatch(const StopWatch&) = delete;  // hits_ points into stop_
  StopWatch& operator=(const StopWatch&) = delete;
  // True once the condition holds (and from then on).
  bool on_event(const Event& event);
  [[nodiscard]] const StopSpec& spec() const noexcept { return stop_; }

 private:
  StopSpec stop_;
  const AnalysisPlan* plan_;
  std::optional<SpecHits> hits_;
  std::uint64_t tokens_ = 0;
  bool done_ = false;
};

}  // namespace perfprobe::markers
