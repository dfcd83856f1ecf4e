// perfprobe's entry point: parse the CLI, run the subcommand, map errors to exit codes.
// Exit codes: the target's status for run; 2 usage errors everywhere; 127/126 target not found /
// not executable; 1 other failures.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "perfprobe/app/app.hpp"
#include "perfprobe/cli/define.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/sys/fd.hpp"

namespace {

bool use_color(perfprobe::cli::ColorMode mode) {
  if (mode == perfprobe::cli::ColorMode::always) return true;
  if (mode == perfprobe::cli::ColorMode::never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  return (no_color == nullptr || *no_color == '\0') && ::isatty(2) != 0;
}

int run_cli(int argc, char** argv) {
  perfprobe::sys::ensure_standard_fds();  // before anything opens a descriptor
  perfprobe::cli::Options options;
  CLI::App app;
  perfprobe::cli::define(app, options, argc > 1 ? argv[1] : "");
  try {
    perfprobe::cli::parse(app, options, argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help and --version
    // Every other parse error is a usage error: one line in perfprobe's own format, exit 2.
    const perfprobe::app::Diag diag(std::cerr, use_color(options.color));
    diag.error(e.what());
    diag.hint("see `perfprobe --help` or `perfprobe SUBCOMMAND --help`");
    return 2;
  }
  const perfprobe::app::Diag diag(std::cerr, use_color(options.color));
  try {
    perfprobe::cli::finalize(app, options);
    return perfprobe::app::run(options, diag);
  } catch (const perfprobe::UsageError& e) {
    diag.error(e.what());
    if (!e.hint().empty()) diag.hint(e.hint());
    return 2;
  } catch (const perfprobe::LaunchError& e) {
    diag.error(e.what());
    if (!e.hint().empty()) diag.hint(e.hint());
    return e.exit_code();
  } catch (const perfprobe::Error& e) {
    diag.error(e.what());
    if (!e.hint().empty()) diag.hint(e.hint());
    return 1;
  } catch (const std::exception& e) {
    diag.error(std::string("internal error: ") + e.what());
    return 1;
  } catch (...) {
    diag.error("internal error (unknown exception)");
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_cli(argc, argv);
  } catch (...) {
    // Only the set-up outside run_cli's handlers gets here (out of memory while defining the CLI,
    // or while printing a usage error).
    std::fputs("perfprobe: error: internal error before the command could start\n", stderr);
    return 1;
  }
}
