// Output path checks and run views shared by run, check, record, attach and report.
#include "output_files.hpp"

#include <chrono>
#include <ctime>
#include <sstream>

#include "live.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/bmf.hpp"
#include "perfprobe/report/openmetrics.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/symbols/resolve.hpp"
#include "perfprobe/sys/fd.hpp"
#include "perfprobe/sys/output_file.hpp"

namespace perfprobe::app {

void check_output_writable(const std::string& path, const char* option) { sys::check_output_path(path, option); }

namespace {
// Saves what could not be written in $TMPDIR and says so; returns false for the caller to pass on.
bool save_instead(const std::string& path, std::string_view content, const Error& e, const Diag& diag) {
  const std::string saved = sys::save_fallback(path, content);
  diag.warning(std::string(e.what()) + (saved.empty() ? "; the content is lost" : "; saved it in '" + saved + "'"));
  return false;
}

std::string textfile_in(const std::string& dir) { return (dir.ends_with('/') ? dir : dir + "/") + "perfprobe.prom"; }
}  // namespace

bool write_output(const std::string& path, const char* option, std::string_view content, const Diag& diag) {
  try {
    sys::write_file_atomic(path, content, option);
    return true;
  } catch (const Error& e) {
    return save_instead(path, content, e, diag);
  }
}

void check_run_outputs(const cli::RunOptions& o) {
  check_output_writable(o.json_path, "--json");
  check_output_writable(o.jsonl_path, "--jsonl");
  check_output_writable(o.trace_path, "--trace");
  check_output_writable(o.html_path, "--html");
  check_output_writable(o.openmetrics_path, "--openmetrics");
  check_output_writable(o.bmf_path, "--bmf");
  if (!o.textfile_dir.empty()) check_output_writable(textfile_path(o.textfile_dir), "--textfile");
}

std::string textfile_path(const std::string& dir) {
  sys::check_output_directory(dir, "--textfile");
  return textfile_in(dir);
}

report::ExportLabels export_labels(const std::vector<std::string>& command) {
  std::string line;
  for (const auto& a : command) line += (line.empty() ? "" : " ") + a;
  return {line, host_name()};
}

bool write_export_views(const cli::RunOptions& o, const std::vector<RunResult>& runs,
                        const std::vector<std::string>& command, const std::vector<report::MetricFamily>& extra,
                        const Diag& diag) {
  const auto labels = export_labels(command);
  const std::string& line = labels.command;
  bool ok = true;
  if (!o.openmetrics_path.empty() || !o.textfile_dir.empty()) {
    auto families = report::run_families(runs, labels);
    families.insert(families.end(), extra.begin(), extra.end());
    // A finished run's file is stamped with when it was written (promtool can backfill it); the
    // textfile collector refuses timestamps.
    const double now_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (!o.openmetrics_path.empty()) {
      ok &= write_output(o.openmetrics_path, "--openmetrics",
                         report::render_metrics(families, report::Exposition::openmetrics, now_s), diag);
    }
    // The collector reads DIR/*.prom whenever scraped: the file is built under a hidden .tmp name in DIR
    // and renamed over perfprobe.prom, so a scrape sees the old file or the new one, never half of it.
    if (!o.textfile_dir.empty()) {
      const std::string text = report::render_metrics(families, report::Exposition::prometheus_text);
      try {
        ok &= write_output(textfile_path(o.textfile_dir), "--textfile", text, diag);
      } catch (const Error& e) {  // DIR was replaced while the target ran
        ok = save_instead(textfile_in(o.textfile_dir), text, e, diag);
      }
    }
  }
  if (!o.bmf_path.empty()) {
    ok &= write_output(o.bmf_path, "--bmf", report::to_bmf({{line, metrics::samples_of(runs)}}), diag);
  }
  return ok;
}

bool write_run_views(const cli::RunOptions& o, const report::RunReport& rep, const Diag& diag, const char* kind) {
  bool ok = true;
  if (!o.json_path.empty()) ok &= write_output(o.json_path, "--json", report::to_json_text(rep), diag);
  if (!o.trace_path.empty()) {
    ok &= write_output(o.trace_path, "--trace", report::to_trace_json(rep.runs, rep.command), diag);
  }
  if (!o.html_path.empty()) {
    ok &= write_output(o.html_path, "--html", report::run_to_html(rep, html_meta(kind, rep.command)), diag);
  }
  ok &= write_export_views(o, rep.runs, rep.command, {}, diag);
  if (!o.quiet) {
    std::ostringstream text;
    report::write_text(text, rep, report::TextOptions{diag.color()});
    diag.stream() << text.str();
    diag.stream().flush();
  }
  return ok;
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

bool write_profile_html(const std::string& path, const sampling::RecordData& data, const char* kind, const Diag& diag,
                        bool quiet) {
  // The symbol cache as `report` uses it (docs/symbol-cache.md; PERFPROBE_CACHE=0 turns it off).
  symbols::Symbolizer symbolizer(symbols::default_symbol_cache_dir());
  CountProgress progress("symbolizing", "samples", quiet);
  // Inlined code in its caller, as `report` shows it by default.
  const ResolvedProfile profile = report::fold_inlined(symbols::resolve(
      data.profile, symbolizer, [&](std::size_t done, std::size_t total) { progress.update(done, total); }));
  progress.clear();
  symbolizer.save_cache();
  report::ProfileReport rep = report::analyse_profile(profile, data.run.phases, report::ProfileOptions{});
  rep.command = data.command;
  for (const auto& n : data.notes) rep.warnings.push_back(n);
  return write_output(path, "--html", report::profile_to_html(rep, profile, data.run, recording_meta(data, kind)),
                      diag);
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
