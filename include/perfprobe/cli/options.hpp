// The plain plan the CLI produces: one struct per subcommand. Nothing outside cli/ sees CLI11.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace perfprobe::cli {

enum class Command { none, run, events };

enum class ColorMode { automatic, always, never };

// `perfprobe run [options] -- CMD [ARGS...]`
struct RunOptions {
  std::vector<std::string> command;
  std::vector<std::string> events;   // names after splitting commas; empty = default set
  bool no_counters = false;          // --no-counters: wall/rusage/RSS only
  int runs = 1;
  int warmup = 0;
  std::string prepare;               // shell command run before every run
  std::string interval_text = "100ms";
  std::int64_t interval_ns = 100'000'000;  // RSS sampling interval; 0 disables the timeline
  std::string json_path;             // --json FILE
  std::string jsonl_path;            // --jsonl FILE
  bool quiet = false;                // no human summary
};

// `perfprobe events [--all]`
struct EventsOptions {
  bool all = false;
  bool json = false;
};

struct Options {
  Command command = Command::none;
  ColorMode color = ColorMode::automatic;
  bool has_separator = false;        // argv had "--"
  std::vector<std::string> target;   // the words after "--"
  RunOptions run;
  EventsOptions events;
};

}  // namespace perfprobe::cli
