// CLI11 definitions -> cli::Options. Only src/cli and main.cpp include CLI11.
#pragma once

#include <CLI/CLI.hpp>
#include <string_view>

#include "perfprobe/cli/options.hpp"

namespace perfprobe::cli {

// Adds the subcommands and their options to `app`, filling `options` when parsed. When
// `first_argument` (argv[1]) names a subcommand, only that one is added (start-up time: each
// option is a few allocations); for -V or --version, none; else, or for completions, which
// describes them all, every one.
void define(CLI::App& app, Options& options, std::string_view first_argument = {});

// Parses argv. Everything after the first "--" is the target command and never reaches CLI11, so
// the target's own options cannot be mistaken for perfprobe's. Throws CLI::ParseError.
void parse(CLI::App& app, Options& options, int argc, const char* const* argv);

// Cross-option checks and post-processing after parse (throws UsageError).
void finalize(const CLI::App& app, Options& options);

}  // namespace perfprobe::cli
