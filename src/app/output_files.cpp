// Output path checks and run views shared by run, check, record, attach and report.
#include "output_files.hpp"

#include <unistd.h>

#include <ctime>
#include <sstream>

#include "perfprobe/error.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/symbols/resolve.hpp"
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
  check_output_writable(o.html_path, "--html");
}

void write_run_views(const cli::RunOptions& o, const report::RunReport& rep, const Diag& diag, const char* kind) {
  if (!o.json_path.empty()) sys::write_file_atomic(o.json_path, report::to_json_text(rep));
  if (!o.trace_path.empty()) sys::write_file_atomic(o.trace_path, report::to_trace_json(rep.runs, rep.command));
  if (!o.html_path.empty()) sys::write_file_atomic(o.html_path, report::run_to_html(rep, html_meta(kind, rep.command)));
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

std::string cpu_model() {
  std::string text;
  if (!sys::read_file("/proc/cpuinfo", text)) return {};
  const auto at = text.find("model name");
  if (at == std::string::npos) return {};
  const auto colon = text.find(':', at);
  const auto eol = text.find('\n', at);
  if (colon == std::string::npos || colon > eol) return {};
  return text.substr(colon + 2, eol == std::string::npos ? std::string::npos : eol - colon - 2);
}
}  // namespace

report::HtmlMeta html_meta(const std::string& kind, const std::vector<std::string>& command) {
  report::HtmlMeta meta;
  meta.kind = kind;
  meta.tool = "perfprobe " PERFPROBE_VERSION;
  meta.command = command;
  meta.hostname = host_name();
  meta.kernel = kernel_release();
  meta.cpu = cpu_model();
  meta.unix_s = static_cast<std::int64_t>(std::time(nullptr));
  return meta;
}

void write_profile_html(const std::string& path, const sampling::RecordData& data, const char* kind) {
  symbols::Symbolizer symbolizer;
  const ResolvedProfile profile = symbols::resolve(data.profile, symbolizer);
  report::ProfileReport rep = report::analyse_profile(profile, data.run.phases, report::ProfileOptions{});
  rep.command = data.command;
  for (const auto& n : data.notes) rep.warnings.push_back(n);
  sys::write_file_atomic(path, report::profile_to_html(rep, profile, data.run, recording_meta(data, kind)));
}

report::HtmlMeta recording_meta(const sampling::RecordData& data, const char* kind) {
  report::HtmlMeta meta = html_meta(kind, data.command);
  meta.hostname = data.hostname;  // where it was recorded, which may not be here
  meta.kernel = data.kernel;
  if (data.recorded_unix_s > 0) meta.unix_s = data.recorded_unix_s;
  if (data.hostname != host_name()) meta.cpu.clear();
  for (const auto& u : data.unavailable) meta.warnings.push_back("unavailable: " + u);
  return meta;
}

std::string host_name() { return first_line("/proc/sys/kernel/hostname"); }
std::string kernel_release() { return first_line("/proc/sys/kernel/osrelease"); }

}  // namespace perfprobe::app
