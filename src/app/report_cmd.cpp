// `perfprobe report FILE`: read the data file, unwind and symbolize, analyse, then the views
// (text or --json on stdout, --folded FILE, --trace FILE, --pprof FILE), or --annotate FUNC.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <optional>

#include "live.hpp"
#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/annotate.hpp"
#include "perfprobe/report/html.hpp"
#include "perfprobe/report/pprof.hpp"
#include "perfprobe/report/profile_diff.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "perfprobe/symbols/resolve.hpp"
#include "perfprobe/sys/heap.hpp"
#include "perfprobe/sys/input_file.hpp"

namespace perfprobe::app {

namespace {

// A report allocates and frees blocks of a few MB (decompressed chunks, the sample vectors as they
// grow, sort buffers); glibc maps each one above 128 KiB afresh and unmaps it when freed, so each
// costs its page faults again: a quarter of a 30 s recording's report. Freed memory stays in the
// heap for the next one instead (same peak RSS, measured: docs/benchmarks.md).
void reuse_freed_memory() {
  constexpr int kMmapThreshold = 32 << 20;  // glibc's largest
  constexpr int kTrimThreshold = 128 << 20;
  (void)mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  (void)mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
}

// The heap's next 64 MiB in huge pages where the kernel grants them: a 30 s recording's second
// report faulted ~550 pages of heap one by one, several microseconds each on a VM.
constexpr std::size_t kHugePageHeap = std::size_t{64} << 20;

// Where the symbol cache is, empty for none (docs/symbol-cache.md).
std::string cache_dir(const cli::ReportOptions& o) {
  return o.no_cache ? std::string() : symbols::default_symbol_cache_dir();
}

struct Loaded {
  sampling::RecordData data;  // all but the raw samples
  ResolvedProfile profile;
};

// How much of the waits' frames the outputs asked for show: the text, --json, --folded and --trace
// views name the functions of a wait's chain (inlined code folded into its caller) and print no
// file:line, so those need no DWARF (Symbolizer::Detail); --inline, --pprof, --html and --annotate
// read whole frames.
symbols::Symbolizer::Detail wait_detail(const cli::ReportOptions& o) {
  const bool names = !o.inline_apart && o.pprof_path.empty() && o.html_path.empty() && o.annotate.empty();
  return names ? symbols::Symbolizer::Detail::function : symbols::Symbolizer::Detail::full;
}

// Each sample (CPU sample, then wait sample) goes from its chunk straight to the resolver and is
// gone before the next: a recording's stack copies are never in memory together
// (sampling::DataFileReader).
Loaded load(const std::string& path, symbols::Symbolizer& symbolizer, const std::string& what,
            const cli::ReportOptions& o) {
  sampling::DataFileReader reader(sys::read_input(path, "data file"), path);
  CountProgress progress(what, "samples", o.no_progress);
  symbols::ProfileResolver resolver(reader.data().profile, symbolizer);
  resolver.wait_detail(wait_detail(o));
  constexpr std::size_t kProgressEvery = 1024;
  std::size_t done = 0;
  const auto total = static_cast<std::size_t>(reader.sample_count());
  resolver.reserve(total);
  reader.for_each_sample([&](const sampling::Sample& s) {
    resolver.add(s);
    if (++done % kProgressEvery == 0) progress.update(done, std::max(done, total));
  });
  // Then the off-CPU waits, after the CPU samples as in resolve(): each unwound as it is read.
  reader.for_each_wait([&resolver](std::size_t i, const sampling::Sample& s) { resolver.add_wait(i, s); });
  reader.drop_chunks();
  progress.clear();
  ResolvedProfile resolved = resolver.finish();
  symbolizer.save_cache();
  return {reader.take_data(), std::move(resolved)};
}

struct Analysed {
  ResolvedProfile profile;
  report::ProfileReport report;
  report::HtmlMeta meta;  // where and when it was recorded
};

// The profile as the report shows it: inlined frames folded into their callers unless --inline.
ResolvedProfile shown_profile(ResolvedProfile resolved, const cli::ReportOptions& o) {
  if (o.inline_apart) return resolved;
  return report::fold_inlined(std::move(resolved));
}

Analysed analyse(const std::string& path, symbols::Symbolizer& symbolizer, const cli::ReportOptions& o,
                 std::size_t top) {
  Loaded loaded = load(path, symbolizer, "symbolizing " + path, o);
  const sampling::RecordData& data = loaded.data;
  Analysed a{shown_profile(std::move(loaded.profile), o), {}, recording_meta(data, "report --diff")};
  a.report = report::analyse_profile(a.profile, data.run.phases, report::ProfileOptions{top, 20});
  a.report.command = data.command;
  a.report.inline_apart = o.inline_apart;
  return a;
}

// The source files of an annotation that can be read here; the view names the others.
report::SourceTexts read_sources(const report::Annotation& a) {
  report::SourceTexts out;
  for (const auto& f : a.files) {
    if (f.path.empty()) continue;
    try {
      out[f.path] = sys::read_input(f.path, "source file", std::uint64_t{64} << 20);
    } catch (const Error&) {
      // Not readable here (moved, another machine, too large): shown without text.
    }
  }
  return out;
}

int annotate_command(const ResolvedProfile& profile, const cli::ReportOptions& o) {
  const auto a = report::annotate(profile, o.annotate);
  const auto sources = read_sources(a);
  if (o.json) {
    std::cout << report::annotation_to_json(a, sources);
  } else {
    report::write_annotation_text(std::cout, a, sources);
  }
  std::cout.flush();
  return 0;
}

// report --diff OLD NEW: every function of both (shares compare only when nothing is cut off).
int diff_command(const cli::ReportOptions& o, const Diag& diag) {
  check_output_writable(o.folded_path, "--folded");
  check_output_writable(o.html_path, "--html");
  symbols::Symbolizer symbolizer(cache_dir(o));
  const Analysed old_a = analyse(o.diff_path, symbolizer, o, SIZE_MAX);
  const Analysed new_a = analyse(o.path, symbolizer, o, SIZE_MAX);
  const auto d = report::diff_profiles(old_a.report, new_a.report, static_cast<std::size_t>(o.top));
  bool written = true;
  if (!o.folded_path.empty()) {
    written =
        write_output(o.folded_path, "--folded",
                     report::diff_folded(report::to_folded(old_a.profile), report::to_folded(new_a.profile)), diag);
  }
  if (!o.html_path.empty()) {
    // Every scope's rows in the page: the graphs show all functions, the tables should too.
    const auto all = report::diff_profiles(old_a.report, new_a.report, 0);
    written &= write_output(
        o.html_path, "--html",
        report::profile_diff_to_html(all, {&old_a.report, &old_a.profile}, {&new_a.report, &new_a.profile}, new_a.meta),
        diag);
  }
  if (o.json) {
    std::cout << report::profile_diff_to_json(d);
  } else {
    report::write_profile_diff_text(std::cout, d);
  }
  std::cout.flush();
  return written ? 0 : 1;
}

}  // namespace

int report_command(const cli::ReportOptions& o, const Diag& diag) {
  reuse_freed_memory();
  const sys::HugePageHeap heap(kHugePageHeap);
  if (!o.diff_path.empty()) return diff_command(o, diag);
  check_output_writable(o.folded_path, "--folded");
  check_output_writable(o.trace_path, "--trace");
  check_output_writable(o.pprof_path, "--pprof");
  check_output_writable(o.html_path, "--html");
  // Symbolize with the files on this machine (build-ids say when they changed since).
  symbols::Symbolizer symbolizer(cache_dir(o));
  Loaded loaded = load(o.path, symbolizer, "symbolizing", o);
  const sampling::RecordData& data = loaded.data;
  // pprof keeps inlined frames as the lines of one location, its own form of them (docs/pprof.md).
  std::optional<ResolvedProfile> physical;
  if (!o.pprof_path.empty()) physical = loaded.profile;
  const ResolvedProfile profile = shown_profile(std::move(loaded.profile), o);
  if (!o.annotate.empty()) return annotate_command(profile, o);
  report::ProfileReport rep =
      report::analyse_profile(profile, data.run.phases, report::ProfileOptions{static_cast<std::size_t>(o.top), 20});
  rep.command = data.command;
  rep.inline_apart = o.inline_apart;
  rep.tokens =
      report::explain_tokens(profile, data.run, report::TokenOptions{static_cast<std::size_t>(o.slow_tokens), 3});
  for (const auto& n : data.notes) rep.warnings.push_back(n);

  bool written = true;
  if (!o.folded_path.empty()) written &= write_output(o.folded_path, "--folded", report::to_folded(profile), diag);
  if (!o.trace_path.empty()) {
    written &= write_output(o.trace_path, "--trace", report::to_trace_json(data.run, data.command, &profile), diag);
  }
  if (!o.pprof_path.empty()) {
    // The file holds when the recording ended; the profile says when it began.
    const report::PprofMeta meta{data.command, data.tool,
                                 report::recording_start_unix_ns(data.recorded_unix_s, data.run.wall_ns),
                                 data.run.wall_ns};
    written &=
        write_output(o.pprof_path, "--pprof", report::gzip(report::to_pprof(*physical, data.run.phases, meta)), diag);
  }
  if (!o.html_path.empty()) {
    written &= write_output(o.html_path, "--html",
                            report::profile_to_html(rep, profile, data.run, recording_meta(data, "report")), diag);
  }
  if (o.json) {
    std::cout << report::profile_to_json(rep);
  } else {
    report::write_profile_text(std::cout, rep, diag.color() && ::isatty(1) != 0);
  }
  std::cout.flush();
  return written ? 0 : 1;
}

}  // namespace perfprobe::app
