// sampling::Profile (addresses) -> ResolvedProfile (frames): unwinding where stacks were copied,
// then symbolization of every address through the module map.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "perfprobe/profile.hpp"
#include "perfprobe/sampling/profile.hpp"
#include "perfprobe/symbols/symbolizer.hpp"

namespace perfprobe::symbols {

// Told (done, total) samples now and then while it works, and once at the end (a progress line).
using ResolveProgress = std::function<void(std::size_t done, std::size_t total)>;

[[nodiscard]] ResolvedProfile resolve(const sampling::Profile& profile, Symbolizer& symbolizer,
                                      const ResolveProgress& progress = {});

// The same, one sample at a time as a reader hands them over (sampling::DataFileReader), so that
// the raw samples and their stack copies are never in memory together.
class ProfileResolver {
 public:
  // `profile`: everything but the samples (mappings, tasks, config); it must outlive the resolver.
  ProfileResolver(const sampling::Profile& profile, Symbolizer& symbolizer);
  ~ProfileResolver();
  ProfileResolver(const ProfileResolver&) = delete;
  ProfileResolver& operator=(const ProfileResolver&) = delete;

  // Room for `samples` samples (what the file announces), so that the resolved samples are not
  // moved, and their pages touched again, each time their vector grows.
  void reserve(std::size_t samples);
  void add(const sampling::Sample& sample);
  // How much of the waits' frames the views need (Symbolizer::Detail); whole frames by default.
  void wait_detail(Symbolizer::Detail detail);
  // The full sample (call chain, stack copy) of profile.waits[index], whose own copy the reader
  // left out (sampling::DataFileReader::for_each_wait): unwound now, its frames looked up in
  // finish(). Without any add_wait, finish() unwinds profile.waits as they are.
  void add_wait(std::size_t index, const sampling::Sample& sample);
  // The resolved profile, its samples in time order whatever order they came in.
  [[nodiscard]] ResolvedProfile finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace perfprobe::symbols
