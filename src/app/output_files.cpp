// Output path checks and run views shared by run, check, record, attach and report.
#include "output_files.hpp"

#include <unistd.h>

#include <sstream>

#include "perfprobe/error.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::app {

void check_output_writable(const std::string& path, const char* option) {
  if (path.empty()) return;
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  if (::access(dir.c_str(), W_OK) != 0) {
    throw UsageError(std::string("cannot write ") + option + " file '" + path + "': directory '" + dir +
                     "' does not exist or is not writable");
  }
}

void check_run_outputs(const cli::RunOptions& o) {
  check_output_writable(o.json_path, "--json");
  check_output_writable(o.jsonl_path, "--jsonl");
  check_output_writable(o.trace_path, "--trace");
}

void write_run_views(const cli::RunOptions& o, const report::RunReport& rep, const Diag& diag) {
  if (!o.json_path.empty()) sys::write_file_atomic(o.json_path, report::to_json_text(rep));
  if (!o.trace_path.empty()) sys::write_file_atomic(o.trace_path, report::to_trace_json(rep.runs, rep.command));
  if (!o.quiet) {
    std::ostringstream text;
    report::write_text(text, rep, report::TextOptions{diag.color()});
    diag.stream() << text.str();
    diag.stream().flush();
  }
}

namespace {
std::string first_line(const char* path) {
  std::string text;
  if (!sys::read_file(path, text)) return {};
  return text.substr(0, text.find('\n'));
}
}  // namespace

std::string host_name() { return first_line("/proc/sys/kernel/hostname"); }
std::string kernel_release() { return first_line("/proc/sys/kernel/osrelease"); }

}  // namespace perfprobe::app
