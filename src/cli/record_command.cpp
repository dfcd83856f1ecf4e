// `perfprobe record`: run's measurement options plus sampling; the sampling options are shared
// with `attach`.
#include <bit>

#include "perfprobe/cli/units.hpp"
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_sampling(CLI::App& sub, SamplingOptions& s) {
  sub.add_option("-F,--freq", s.frequency_hz, "Samples per second and thread (default 999)")
      ->transform(decimal_integer())
      ->check(CLI::Range(1, 100000))
      ->type_name("HZ");
  sub.add_option("-c,--count", s.period, "Sample every PERIOD events instead of at a frequency (cpu-clock: ns)")
      ->transform(decimal_integer())
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->type_name("PERIOD");
  sub.add_option("--call-graph", s.call_graph,
                 "How call stacks are taken: auto (default: frame pointers where the code keeps them, DWARF "
                 "where it does not, judged per module), fp (frame pointers; a small stack copy fixes "
                 "frameless leaves) or dwarf (8 KiB stack copies unwound with DWARF CFI everywhere)")
      ->check(CLI::IsMember({"auto", "fp", "dwarf"}))
      ->type_name("MODE");
  sub.add_option("--stack-size", s.stack_bytes,
                 "Bytes of user stack copied with each sample (default: 512 fp, 8192 auto and dwarf)")
      ->transform(decimal_integer())
      ->check(CLI::Range(8U, 65528U))
      ->type_name("BYTES");
  sub.add_option("--mmap-pages", s.mmap_pages,
                 "Data pages of each per-CPU sample ring, a power of two (default 64; shrunk to fit the "
                 "unprivileged mlock budget)")
      ->transform(decimal_integer())
      ->check(CLI::Range(1U, 65536U))
      ->type_name("N");
  sub.add_option("--off-cpu", s.off_cpu,
                 "Where threads wait: auto (default: every switch of the target's threads, plus each wait's call "
                 "chain and reason where the privilege allows: sched_switch as root; and major faults), "
                 "switches (switch times only: off-CPU time without chains) or none")
      ->check(CLI::IsMember({"auto", "switches", "none"}))
      ->type_name("MODE");
}

void finalize_sampling(const CLI::App& sub, SamplingOptions& s) {
  if (sub.count("--count") > 0 && sub.count("--freq") > 0) {
    throw UsageError("-F/--freq and -c/--count contradict each other", "give a frequency or a period, not both");
  }
  if (sub.count("--count") == 0) s.period = 0;
  if (!std::has_single_bit(s.mmap_pages)) {
    throw UsageError("--mmap-pages " + std::to_string(s.mmap_pages) + " is not a power of two",
                     "use 1, 2, 4, ... 64 (the default), 128 ...");
  }
  if (s.stack_bytes % 8 != 0) {
    throw UsageError("--stack-size " + std::to_string(s.stack_bytes) + " is not a multiple of 8", "e.g. 8192");
  }
}

void define_record(CLI::App& app, Options& options) {
  auto& o = options.record;
  CLI::App* sub = app.add_subcommand("record", "Run a command and sample where its time goes (then: perfprobe report)")
                      ->allow_extras();
  sub->footer(
      "Usage: perfprobe record [-o FILE] [OPTIONS] -- CMD [ARGS...]\n"
      "Markers, phases, tokens, counters and RSS are recorded alongside the samples.");
  sub->add_option("command", o.run.command, "The command to run and its arguments (after --)")->expected(0, -1);
  sub->add_option("-o,--output", o.output, "Data file to write (default perfprobe.data; written atomically)")
      ->type_name("FILE");
  define_sampling(*sub, o.sampling);
  define_measure_basics(*sub, o.run);
  // Hidden, as for run: scripted counters, so per-phase and per-token counts of a recording are
  // tested on machines without a PMU (docs/testing.md).
  sub->add_option("--fake-counters", o.run.fake_counters_path, "Scripted counter readings (testing)")->group("");
  define_run_markers(*sub, o.run);
}

void finalize_record(const CLI::App& sub, const Options& options, RecordOptions& o) {
  reject_serve(o.run, "record");
  o.run.command = target_command(sub, options, o.run.command);
  if (o.run.command.empty()) {
    throw UsageError("`perfprobe record` needs a command to run",
                     "usage: perfprobe record [-o FILE] [OPTIONS] -- CMD [ARGS...]");
  }
  if (has_interleave_separator(o.run.command)) {
    throw UsageError(
        "`perfprobe record` records one command: `:::` (commands compared interleaved) is for `perfprobe run`",
        "record each command to its own file, then: perfprobe report --diff A.data B.data");
  }
  if (o.output.empty()) throw UsageError("-o needs a file name");
  finalize_sampling(sub, o.sampling);
  finalize_measure_basics(o.run);
  finalize_run_markers(o.run);
}

}  // namespace perfprobe::cli
