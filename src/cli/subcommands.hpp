// One define_/finalize_ pair per subcommand; each lives in <name>_command.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include "perfprobe/cli/options.hpp"

namespace perfprobe::cli {

void define_run(CLI::App& app, Options& options);
void finalize_run(const CLI::App& sub, const Options& options, RunOptions& run);

void define_events(CLI::App& app, Options& options);

// "a,b" "c" -> a, b, c; an empty element is a UsageError naming the option.
[[nodiscard]] std::vector<std::string> split_comma_list(const std::vector<std::string>& specs, const std::string& option);

// The target command: the words after "--", or (without "--") the first positional word and
// everything CLI11 left after it.
[[nodiscard]] std::vector<std::string> target_command(const CLI::App& sub, const Options& options,
                                                      std::vector<std::string> positional);

}  // namespace perfprobe::cli
