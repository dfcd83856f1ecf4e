// Sampling as one more source of a measured run (record, attach -o): opens the sampler on the
// held or running target, drains its rings from the event loop, hands the profile to a sink.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "perfprobe/cli/options.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "perfprobe/sampling/profile.hpp"
#include "perfprobe/sampling/sampler.hpp"
#include "source.hpp"

namespace perfprobe::app {

// Where the sample source leaves its profile once the run is over (shared with the caller).
// With a writer, samples go to the data file as they are drained and `profile.samples` stays
// empty: memory stays flat however long the recording.
struct ProfileSink {
  sampling::Profile profile;
  std::vector<std::string> notes;
  sampling::DataFileWriter* writer = nullptr;
};

[[nodiscard]] SourceFactory sample_source(const sampling::SamplerOptions& options, std::shared_ptr<ProfileSink> sink);

// SamplerOptions from the CLI's sampling options (checked by the CLI).
[[nodiscard]] sampling::SamplerOptions sampler_options(const cli::SamplingOptions& o);

}  // namespace perfprobe::app
