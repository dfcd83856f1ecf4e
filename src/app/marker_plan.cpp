// Marker specs -> sources and analysis plan. Every spec is parsed here, before any process starts.
#include "marker_plan.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "kernel_records_source.hpp"
#include "marker_sources.hpp"
#include "perfprobe/elf/sdt.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/launch/child.hpp"
#include "perfprobe/sys/input_file.hpp"
#include "stop_source.hpp"
#include "usdt_source.hpp"

namespace perfprobe::app {

namespace {

using markers::MarkerSpec;
using markers::SpecKind;

// All specs of the plan, for deciding which sources are needed.
std::vector<const MarkerSpec*> all_specs(const markers::AnalysisPlan& a) {
  std::vector<const MarkerSpec*> out;
  if (a.ready) out.push_back(&*a.ready);
  if (a.tokens) out.push_back(&*a.tokens);
  if (a.tokens_after) out.push_back(&*a.tokens_after);
  if (a.request) out.push_back(&*a.request);
  for (const auto& p : a.phases) {
    out.push_back(&p.begin);
    out.push_back(&p.end);
  }
  return out;
}

markers::OutputPlan output_plan(const std::vector<const MarkerSpec*>& specs, bool pty) {
  markers::OutputPlan out;
  out.pty = pty;
  for (const MarkerSpec* s : specs) {
    if (s->kind == SpecKind::output_regex &&
        std::find(out.regexes.begin(), out.regexes.end(), s->regex) == out.regexes.end()) {
      out.regexes.push_back(s->regex);
    }
    if (s->kind == SpecKind::output_any || s->kind == SpecKind::first_output) out.chunk_events = true;
  }
  return out;
}

std::string find_libstdbuf() {
  for (const char* p : {"/usr/libexec/coreutils/libstdbuf.so", "/usr/lib/coreutils/libstdbuf.so",
                        "/usr/local/libexec/coreutils/libstdbuf.so"}) {
    if (::access(p, R_OK) == 0) return p;
  }
  return {};
}

// --unbuffer: coreutils' stdbuf preload library makes C stdio unbuffered in dynamically linked programs.
void add_unbuffer(const std::string& program, MeasurePlan& plan) {
  const std::string path = launch::find_in_path(program);
  const std::string lib = find_libstdbuf();
  if (lib.empty()) {
    plan.warnings.emplace_back("--unbuffer cannot apply: coreutils' libstdbuf.so was not found (install coreutils)");
    return;
  }
  if (!path.empty() && elf::elf_interpreter(path).empty()) {
    if (sys::read_head(path, 4) == "\177ELF") {  // four bytes, however large the program
      plan.warnings.emplace_back("--unbuffer cannot apply to '" + program +
                                 "': it is statically linked (no LD_PRELOAD); make it flush its output, or use --pty");
      return;
    }
  }
  const char* old = std::getenv("LD_PRELOAD");
  const std::string preload = (old != nullptr && *old != '\0') ? std::string(old) + ":" + lib : lib;
  plan.sources.emplace_back([env = std::vector<std::string>{"LD_PRELOAD=" + preload, "_STDBUF_O=0", "_STDBUF_E=0"}] {
    return make_env_source(env);
  });
}

void add_cold(const cli::RunOptions& o, MeasurePlan& plan) {
  for (const auto& f : o.cold_files) {
    if (::access(f.c_str(), R_OK) != 0) {
      throw UsageError("--cold-file '" + f + "' cannot be read", "give the path of a file, e.g. the model weights");
    }
  }
  if (!o.cold) return;
  const std::string binary = launch::find_in_path(o.command.front());
  if (!binary.empty()) plan.cold_files.push_back(binary);
  for (auto& lib : loaded_libraries(binary)) plan.cold_files.push_back(std::move(lib));
  plan.cold_files.insert(plan.cold_files.end(), o.cold_files.begin(), o.cold_files.end());
}

markers::AnalysisPlan analysis_plan(const cli::RunOptions& o) {
  markers::AnalysisPlan a;
  if (!o.ready.empty()) {
    a.ready = markers::parse_spec(o.ready, "--ready");
    if (a.ready->kind == SpecKind::output_any) throw UsageError("--ready output: did you mean --ready first-output?");
  }
  if (!o.tokens.empty()) {
    a.tokens = markers::parse_spec(o.tokens, "--tokens");
    const auto k = a.tokens->kind;
    if (k == SpecKind::listen || k == SpecKind::file || k == SpecKind::first_output || k == SpecKind::tcp ||
        k == SpecKind::http) {
      throw UsageError("--tokens " + o.tokens + " happens at most once, so it cannot count tokens",
                       "use usdt:P:N, uprobe:[FILE:]FUNCTION, uretprobe:..., mark:NAME, output:REGEX or output");
    }
  }
  if (!o.tokens_after.empty()) a.tokens_after = markers::parse_spec(o.tokens_after, "--tokens-after");
  if (!o.request.empty()) {
    a.request = markers::parse_spec(o.request, "--request");
    const auto k = a.request->kind;
    if (k == SpecKind::listen || k == SpecKind::file || k == SpecKind::first_output || k == SpecKind::tcp ||
        k == SpecKind::http || k == SpecKind::output_any) {
      throw UsageError("--request " + o.request + " cannot mark the start of each request",
                       "use usdt:P:N, uprobe:[FILE:]FUNCTION (e.g. the request handler), mark:NAME or output:REGEX");
    }
  }
  for (const auto& p : o.phases) a.phases.push_back(markers::parse_phase(p));
  return a;
}

// An attached program's output is not perfprobe's to see (its stdout was opened long ago), and its
// marker API found no channel when it started (perfprobe passes one at launch), so an output or mark
// spec would silently count nothing.
void reject_unseen_specs(const cli::RunOptions& o, const markers::AnalysisPlan& a) {
  const auto check = [](const std::string& option, const std::string& text, const markers::MarkerSpec& spec) {
    const bool output = markers::needs_output(spec);
    if (!output && spec.kind != SpecKind::mark) return;
    throw UsageError(option + " " + text +
                         (output ? ": attach cannot see the output of a running program"
                                 : ": attach cannot see marker-API marks (the channel is given to a program "
                                   "perfprobe starts)"),
                     "mark it with an SDT probe or a function of the program instead, e.g. " + option +
                         " usdt:PROVIDER:NAME (list them with `perfprobe probes -p PID`)");
  };
  if (a.tokens) check("--tokens", o.tokens, *a.tokens);
  if (a.ready) check("--ready", o.ready, *a.ready);
  if (a.tokens_after) check("--tokens-after", o.tokens_after, *a.tokens_after);
  if (a.request) check("--request", o.request, *a.request);
  if (const auto until = o.until.empty() ? std::nullopt : std::optional(markers::parse_stop(o.until, "--until"));
      until && until->spec) {
    check("--until", o.until, *until->spec);
  }
  for (std::size_t i = 0; i < a.phases.size(); ++i) {
    check("--phase", o.phases[i], a.phases[i].begin);
    check("--phase", o.phases[i], a.phases[i].end);
  }
}

}  // namespace

std::vector<std::string> loaded_libraries(const std::string& program) {
  std::vector<std::string> libs;
  const std::string interp = program.empty() ? std::string() : elf::elf_interpreter(program);
  if (interp.empty()) return libs;
  sys::Pipe out = sys::make_pipe();
  launch::LaunchSpec spec;
  spec.argv = {interp, "--list", program};  // the loader itself resolves DT_NEEDED, without running the program
  spec.stdout_fd = out.write.get();
  launch::Child child(spec);
  out.write.reset();
  child.release();
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(out.read.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  (void)child.reap();
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto arrow = line.find("=> ");
    auto start = arrow != std::string::npos ? arrow + 3 : line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] != '/') continue;
    const auto end = line.find(" (", start);
    libs.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
  }
  return libs;
}

namespace {

StopPlan stop_plan(const cli::RunOptions& o, const markers::AnalysisPlan& analysis) {
  StopPlan s;
  s.analysis = analysis;
  if (!o.stop_after.empty() && o.stop_after_ns == 0) s.after = markers::parse_stop(o.stop_after, "--stop-after");
  if (!o.until.empty()) {
    s.after = markers::parse_stop(o.until, "--until");
    s.after_option = "--until";
  }
  s.after_ns = o.stop_after_ns;
  s.after_text = o.stop_after;
  s.timeout_ns = o.timeout_ns;
  s.timeout_text = o.timeout_text;
  s.drive = o.drive;
  return s;
}

}  // namespace

void add_marker_plan(const cli::RunOptions& o, MeasurePlan& plan) {
  plan.analysis = analysis_plan(o);
  if (plan.target == TargetKind::attach) reject_unseen_specs(o, plan.analysis);
  plan.rss_warn_bytes = o.rss_warn_bytes;
  const StopPlan stop = stop_plan(o, plan.analysis);
  auto specs = all_specs(plan.analysis);
  if (stop.after && stop.after->spec) specs.push_back(&*stop.after->spec);  // its source must exist too
  // The marker API needs no flag: its ring is always offered (a memfd; no wake-ups until the target marks).
  plan.sources.emplace_back([] { return make_channel_source(); });
  const bool output =
      o.pty || std::any_of(specs.begin(), specs.end(), [](const MarkerSpec* s) { return markers::needs_output(*s); });
  if (output) {
    markers::OutputPlan op = output_plan(specs, o.pty);
    // A --ready regex needs its first match only; stop matching there unless another spec shares it.
    const auto& ready = plan.analysis.ready;
    if (ready && ready->kind == SpecKind::output_regex &&
        std::count_if(specs.begin(), specs.end(), [&](const MarkerSpec* s) { return s->regex == ready->regex; }) == 1)
      op.until_first.push_back(ready->regex);
    plan.sources.emplace_back([op] { return make_output_source(op); });
  }
  for (const MarkerSpec* s : specs) {
    if (s->kind == SpecKind::listen || s->kind == SpecKind::file || s->kind == SpecKind::tcp ||
        s->kind == SpecKind::http) {
      plan.sources.emplace_back([spec = *s] { return make_readiness_source(spec); });
    }
  }
  add_usdt_plan(o, specs, plan);
  add_kernel_records_plan(plan);
  if (!stop.empty()) plan.sources.emplace_back([stop] { return make_stop_source(stop); });
  if (o.unbuffer) add_unbuffer(o.command.front(), plan);
  add_cold(o, plan);
}

}  // namespace perfprobe::app
