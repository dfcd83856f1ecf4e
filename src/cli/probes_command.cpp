// `perfprobe probes FILE | -p PID [--json]`: the SDT probes of a file or a running process;
// `perfprobe probes --functions FILE [PATTERN]`: the functions a uprobe: spec can name.
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_probes(CLI::App& app, Options& options) {
  auto& o = options.probes;
  CLI::App* sub =
      app.add_subcommand("probes",
                         "List the SDT (USDT) probes of an executable or library, or of a running process; or the "
                         "functions a uprobe: spec can name (--functions)");
  sub->add_option("file", o.file, "Executable or shared library")->type_name("FILE");
  sub->add_option("pattern", o.pattern, "With --functions: a substring or glob of the names to list")
      ->type_name("PATTERN");
  sub->add_flag("--functions", o.functions,
                "List the functions of FILE (symbol tables, demangled) with the addresses uprobe: specs take");
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
  if (o.functions && o.file.empty()) {
    throw UsageError("--functions lists the functions of a FILE", "e.g. perfprobe probes --functions ./app decode");
  }
  if (!o.functions && !o.pattern.empty()) {
    throw UsageError("a PATTERN ('" + o.pattern + "') only goes with --functions",
                     "e.g. perfprobe probes --functions " + o.file + " " + o.pattern);
  }
}

}  // namespace perfprobe::cli
