// `perfprobe events`: which event names this machine can count.
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_events(CLI::App& app, Options& options) {
  CLI::App* sub = app.add_subcommand("events", "List event names and whether this machine and user can count them");
  sub->add_flag("--json", options.events.json, "Print JSON on stdout");
}

}  // namespace perfprobe::cli
