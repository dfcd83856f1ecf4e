// `perfprobe probes FILE | -p PID [--json]`: the SDT probes of a file or a running process.
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_probes(CLI::App& app, Options& options) {
  auto& o = options.probes;
  CLI::App* sub =
      app.add_subcommand("probes", "List the SDT (USDT) probes of an executable or library, or of a running process");
  sub->add_option("file", o.file, "Executable or shared library")->type_name("FILE");
  sub->add_option("-p,--pid", o.pid, "A running process: its executable and every mapped library")
      ->transform(decimal_integer())
      ->type_name("PID");
  sub->add_flag("--json", o.json, "Print JSON on stdout");
}

void finalize_probes(ProbesOptions& o) {
  if (o.file.empty() == (o.pid == 0)) {
    throw UsageError("`perfprobe probes` needs a FILE or -p PID (one of them)",
                     "e.g. perfprobe probes /usr/bin/python3");
  }
  if (o.pid < 0) throw UsageError("-p " + std::to_string(o.pid) + " is not a process id");
}

}  // namespace perfprobe::cli
