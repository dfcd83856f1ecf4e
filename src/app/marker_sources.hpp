// RunSource adapters for the marker sources: the marker-API ring, the output tap,
// readiness probes (listen, file), the environment for --unbuffer, and USDT uprobes. Each one owns
// its markers:: object for one run and moves what it sees into the timeline.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "perfprobe/markers/output_tap.hpp"
#include "perfprobe/markers/spec.hpp"
#include "source.hpp"

namespace perfprobe::app {

[[nodiscard]] std::unique_ptr<RunSource> make_channel_source();
[[nodiscard]] std::unique_ptr<RunSource> make_output_source(const markers::OutputPlan& plan);
[[nodiscard]] std::unique_ptr<RunSource> make_readiness_source(const markers::MarkerSpec& spec);
[[nodiscard]] std::unique_ptr<RunSource> make_env_source(std::vector<std::string> env_set);

}  // namespace perfprobe::app
