// Top-level CLI: global options and the list of subcommands. Each subcommand defines its own options
// in its own file (define_<name>).
#include "perfprobe/cli/define.hpp"

#include <algorithm>
#include <string_view>

#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

namespace {

// In the order `perfprobe --help` lists them.
struct Subcommand {
  std::string_view name;
  void (*define)(CLI::App&, Options&);
};
constexpr Subcommand kSubcommands[] = {
    {"run", define_run},       {"events", define_events},          {"probes", define_probes}, {"size", define_size},
    {"check", define_check},   {"compare", define_compare},        {"record", define_record}, {"report", define_report},
    {"attach", define_attach}, {"completions", define_completions}};

}  // namespace

void define(CLI::App& app, Options& options, std::string_view first_argument) {
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
  // A command line that starts with a subcommand's name is parsed by that subcommand alone: the
  // others' hundreds of options would only cost start-up time. completions describes them all;
  // --version needs none (it prints before anything after it is read).
  if (first_argument == "-V" || first_argument == "--version") return;
  if (first_argument != "completions") {
    for (const auto& sub : kSubcommands) {
      if (sub.name == first_argument) {
        sub.define(app, options);
        return;
      }
    }
  }
  for (const auto& sub : kSubcommands) sub.define(app, options);
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
  // Only the subcommands defined can be asked about (got_subcommand throws for any other).
  const auto subs = app.get_subcommands();
  if (subs.empty()) return;
  const std::string& name = subs.front()->get_name();
  if (name == "run") {
    options.command = Command::run;
    finalize_run(*subs.front(), options, options.run);
  } else if (name == "probes") {
    options.command = Command::probes;
    finalize_probes(options.probes);
  } else if (name == "events") {
    options.command = Command::events;
  } else if (name == "size") {
    options.command = Command::size;
    finalize_size(options);
  } else if (name == "record") {
    options.command = Command::record;
    finalize_record(*subs.front(), options, options.record);
  } else if (name == "report") {
    options.command = Command::report;
    finalize_report(options);
  } else if (name == "attach") {
    options.command = Command::attach;
    finalize_attach(*subs.front(), options, options.attach);
  } else if (name == "completions") {
    options.command = Command::completions;
    finalize_completions(app, options);
  } else if (name == "check") {
    options.command = Command::check;
    finalize_check(*subs.front(), options, options.check);
  } else if (name == "compare") {
    options.command = Command::compare;
    finalize_compare(options);
  }
}

}  // namespace perfprobe::cli
