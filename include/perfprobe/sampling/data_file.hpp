// The `record` data file: a versioned, self-describing binary file holding one recorded run (its
// timeline and measurements) and its profile (samples, module map with build-ids). Layout in
// docs/record.md. Samples are streamed into it, compressed, as they are taken; the file appears
// under its real name only once complete (temporary in the same directory, then rename).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

inline constexpr char kDataMagic[8] = {'P', 'P', 'R', 'E', 'C', 'O', 'R', 'D'};
inline constexpr std::uint32_t kDataVersion = 3;
inline constexpr std::uint32_t kOldestDataVersion = 1;  // still read
inline constexpr std::uint32_t kStackDeltaVersion = 3;  // stack copies stored as deltas within a chunk

struct RecordData {
  std::string tool;                  // "perfprobe X.Y.Z"
  std::vector<std::string> command;  // the target's argv (empty for attach)
  pid_t attached_pid = 0;            // attach -p PID, 0 for a launched target
  std::string hostname;
  std::string kernel;  // uname -r, so `report` can say where it was recorded
  std::int64_t recorded_unix_s = 0;
  std::int64_t t0_mono_ns = 0;  // CLOCK_MONOTONIC of time zero
  RunResult run;
  std::vector<std::string> unavailable;
  std::vector<std::string> notes;
  Profile profile;
};

// Writes a data file as the recording goes: add() buffers samples and writes each full chunk,
// compressed, so memory stays flat however long the recording; finish() writes the rest of the
// run (known only at the end) and the END section. The bytes go to `out` in order.
class DataWriter {
 public:
  using Output = std::function<void(std::string_view)>;
  explicit DataWriter(Output out);
  ~DataWriter();
  DataWriter(const DataWriter&) = delete;
  DataWriter& operator=(const DataWriter&) = delete;

  // `sample.t_ns` already relative to the run's time zero; the same for switches and waits.
  void add(const Sample& sample);
  void add(const Switch& sw);
  void add(const WaitSample& wait);
  // `data.profile.samples` are added first (none when they were streamed with add()).
  void finish(const RecordData& data);
  [[nodiscard]] std::uint64_t samples() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Serializes to bytes (exposed for tests) and back. decode throws UsageError on a file that is
// not a perfprobe data file, has another version, or is truncated.
[[nodiscard]] std::string encode_data(const RecordData& data);
[[nodiscard]] RecordData decode_data(std::string_view bytes, const std::string& path_for_errors);

// A DataWriter into `path`'s temporary (created at once, so an unwritable place fails before the
// recording), renamed onto `path` by finish(); dropped unfinished, it removes the temporary.
class DataFileWriter {
 public:
  explicit DataFileWriter(const std::string& path);
  ~DataFileWriter();
  void add(const Sample& sample);
  void add(const Switch& sw);
  void add(const WaitSample& wait);
  void finish(const RecordData& data);
  [[nodiscard]] std::uint64_t samples() const noexcept;
  [[nodiscard]] std::uint64_t bytes() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

void write_data_file(const std::string& path, const RecordData& data);
[[nodiscard]] RecordData read_data_file(const std::string& path);

// A data file read in two steps: every section but the samples at once (checked as decode_data
// checks them), then the samples chunk by chunk into one reused Sample, so that a long recording's
// stack copies are never in memory together (a minute at 5 kHz with 8 KiB copies would be 2.4 GB).
// The samples come in file order: each CPU's in time order, not all together.
class DataFileReader {
 public:
  // Throws UsageError as decode_data does for everything but a malformed sample chunk or wait
  // sample, which for_each_sample and for_each_wait report when they reach it.
  DataFileReader(std::string bytes, std::string path_for_errors);
  [[nodiscard]] const RecordData& data() const noexcept { return data_; }              // profile.samples stays empty
  [[nodiscard]] std::uint64_t sample_count() const noexcept { return sample_count_; }  // as the chunks say
  // Moves data() out (no copy of the wait samples' stacks) when nothing reads it through the reader anymore.
  [[nodiscard]] RecordData take_data() noexcept { return std::move(data_); }
  // `f` gets each sample; the reference is valid only during the call.
  void for_each_sample(const std::function<void(const Sample&)>& f) const;
  // Reads the waits into data().profile.waits (empty until then), in file order (each CPU's in time
  // order, not all together): each wait's kind, state, time, thread and registers, not its call
  // chain and stack copy. `f` gets those, as the full sample of data().profile.waits[i], just after
  // it is added (a recording's waits with their copies are never in memory together). Each chunk
  // is decompressed once. Throws UsageError on a malformed wait chunk.
  void for_each_wait(const std::function<void(std::size_t i, const Sample&)>& f);
  // Gives the file's bytes back to the heap once both walks are done, so that what is built next
  // reuses them instead of growing the heap (each new megabyte is zeroed first); data() stays.
  // for_each_sample and for_each_wait have nothing more to give after it.
  void drop_chunks() noexcept;

 private:
  std::string bytes_;
  std::string path_;
  std::uint32_t version_ = 0;
  RecordData data_;
  std::vector<std::pair<std::uint32_t, std::string_view>> sample_sections_;  // (tag, body) in file order
  std::vector<std::string_view> wait_sections_;                              // in file order
  std::uint64_t sample_count_ = 0;
  // One chunk decompressed, reused by every walk: a megabyte made afresh for each walk came from
  // the heap's top each time (what was freed below had been split by smaller blocks meanwhile).
  mutable std::string raw_;
};

}  // namespace perfprobe::sampling
