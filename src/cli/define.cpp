// Top-level CLI: global options and the list of subcommands. Each subcommand defines its own options
// in its own file (define_<name>).
#include "perfprobe/cli/define.hpp"

#include <algorithm>
#include <string_view>

#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define(CLI::App& app, Options& options) {
  app.description(
      "perfprobe: a ptrace-free profiler for LLM inference binaries: counters, startup, tokens, RSS, size.");
  app.set_version_flag("-V,--version", "perfprobe " PERFPROBE_VERSION);
  app.require_subcommand(1);
  app.name("perfprobe");
  app.add_option_function<std::string>(
         "--color",
         [&options](const std::string& v) {
           options.color = v == "always" ? ColorMode::always : v == "never" ? ColorMode::never : ColorMode::automatic;
         },
         "Colour the human output: auto, always or never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN")
      ->default_str("auto");
  define_run(app, options);
  define_events(app, options);
  define_probes(app, options);
  define_size(app, options);
  define_check(app, options);
  define_compare(app, options);
  define_record(app, options);
  define_report(app, options);
  define_attach(app, options);
  define_completions(app, options);
}

void parse(CLI::App& app, Options& options, int argc, const char* const* argv) {
  std::vector<std::string> args;
  int i = 1;
  for (; i < argc && std::string_view(argv[i]) != "--"; ++i) args.emplace_back(argv[i]);
  if (i < argc) {
    options.has_separator = true;
    for (++i; i < argc; ++i) options.target.emplace_back(argv[i]);
  }
  std::reverse(args.begin(), args.end());  // CLI11 consumes a vector from its back
  app.parse(args);
}

void finalize(const CLI::App& app, Options& options) {
  if (app.got_subcommand("run")) {
    options.command = Command::run;
    finalize_run(*app.get_subcommand("run"), options, options.run);
  } else if (app.got_subcommand("probes")) {
    options.command = Command::probes;
    finalize_probes(options.probes);
  } else if (app.got_subcommand("events")) {
    options.command = Command::events;
  } else if (app.got_subcommand("size")) {
    options.command = Command::size;
    finalize_size(options);
  } else if (app.got_subcommand("record")) {
    options.command = Command::record;
    finalize_record(*app.get_subcommand("record"), options, options.record);
  } else if (app.got_subcommand("report")) {
    options.command = Command::report;
    finalize_report(options);
  } else if (app.got_subcommand("attach")) {
    options.command = Command::attach;
    finalize_attach(*app.get_subcommand("attach"), options, options.attach);
  } else if (app.got_subcommand("completions")) {
    options.command = Command::completions;
    finalize_completions(app, options);
  } else if (app.got_subcommand("check")) {
    options.command = Command::check;
    finalize_check(*app.get_subcommand("check"), options, options.check);
  } else if (app.got_subcommand("compare")) {
    options.command = Command::compare;
    finalize_compare(options);
  }
}

}  // namespace perfprobe::cli
