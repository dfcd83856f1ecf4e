// Attribution of samples: self = the leaf frame's function, total = every function on the stack
// (once per sample, so recursion does not count twice); per phase by sample time, per thread by tid.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>

#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/stats/share_interval.hpp"

namespace perfprobe::report {

namespace {

double pct(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::string fmt_pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

std::string basename(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Samples per source line (frames with the same file:line summed), the top 3 as shares.
std::vector<LineShare> line_split(const ResolvedProfile& p, const std::map<std::uint32_t, std::uint64_t>& by_frame) {
  std::map<std::pair<std::string, int>, std::uint64_t> by_line;
  std::uint64_t all = 0;
  for (const auto& [frame, n] : by_frame) {
    all += n;
    const auto& f = p.frames[frame];
    if (!f.file.empty()) by_line[{f.file, f.line}] += n;
  }
  std::vector<LineShare> out;
  out.reserve(by_line.size());
  for (const auto& [where, n] : by_line) out.push_back({where.first, where.second, pct(n, all)});
  std::sort(out.begin(), out.end(), [](const LineShare& a, const LineShare& b) { return a.pct > b.pct; });
  if (out.size() > 3) out.resize(3);
  return out;
}

}  // namespace

bool is_spin_wait(const std::string& fn) {
  static constexpr const char* kSpinning[] = {"gomp_barrier_wait", "gomp_team_barrier_wait",
                                              "do_spin",           "ggml_barrier",
                                              "pthread_spin_lock", "spin_wait",
                                              "spinwait",          "sched_yield",
                                              "cpu_relax"};
  for (const char* s : kSpinning) {
    if (fn.find(s) != std::string::npos) return true;
  }
  return fn == "do_wait";  // libgomp's wait loop (spins before it sleeps on a futex)
}

// Each frame's function (name and module) as a small number, numbered in (name, module) order, so
// that counting a sample's frames costs no string work.
struct FunctionIndex {
  std::vector<std::uint32_t> of_frame;
  std::vector<std::pair<std::string, std::string>> keys;
};

FunctionIndex index_functions(const ResolvedProfile& p) {
  std::map<std::pair<std::string, std::string>, std::uint32_t> numbers;
  for (const auto& f : p.frames) numbers.emplace(std::make_pair(f.function, f.module), 0);
  FunctionIndex fx;
  for (auto& [key, number] : numbers) {
    number = static_cast<std::uint32_t>(fx.keys.size());
    fx.keys.push_back(key);
  }
  fx.of_frame.reserve(p.frames.size());
  for (const auto& f : p.frames) fx.of_frame.push_back(numbers.at(std::make_pair(f.function, f.module)));
  return fx;
}

std::vector<char> spin_wait_frames(const ResolvedProfile& p) {
  std::vector<char> out;
  out.reserve(p.frames.size());
  for (const auto& f : p.frames) out.push_back(is_spin_wait(f.function) ? 1 : 0);
  return out;
}

std::vector<FunctionStat> top_functions(const ResolvedProfile& p, const std::vector<const ResolvedSample*>& samples,
                                        std::size_t top) {
  const FunctionIndex fx = index_functions(p);
  // Counted in arrays by function and by frame, not in maps: every frame of every sample passes here.
  std::vector<std::uint64_t> self_of(fx.keys.size()), total_of(fx.keys.size());
  std::vector<std::uint64_t> self_at(p.frames.size()), total_at(p.frames.size());
  // Each distinct stack counted once, with the number of samples that have it.
  std::vector<std::uint64_t> weight(p.stacks.size());
  for (const auto* s : samples) ++weight[s->stack];
  // The stack a function was last counted in, so that recursion counts once in its total.
  std::vector<std::size_t> counted_in(fx.keys.size(), SIZE_MAX);
  for (std::size_t k = 0; k < weight.size(); ++k) {
    const auto w = weight[k];
    if (w == 0) continue;
    const auto& stack = p.stacks[k];
    for (std::size_t i = 0; i < stack.size(); ++i) {
      const auto fn = fx.of_frame[stack[i]];
      if (i == 0) {
        self_of[fn] += w;
        self_at[stack[i]] += w;
      }
      if (counted_in[fn] != k) {
        counted_in[fn] = k;
        total_of[fn] += w;
        total_at[stack[i]] += w;
      }
    }
  }
  // Each function's frames in frame order, for its split by line.
  std::vector<std::vector<std::uint32_t>> frames_of(fx.keys.size());
  for (std::uint32_t f = 0; f < p.frames.size(); ++f) {
    if (total_at[f] != 0) frames_of[fx.of_frame[f]].push_back(f);
  }
  std::vector<FunctionStat> out;
  for (std::size_t fn = 0; fn < fx.keys.size(); ++fn) {
    if (total_of[fn] == 0) continue;
    FunctionStat st;
    st.self_samples = self_of[fn];
    st.total_samples = total_of[fn];
    st.name = fx.keys[fn].first;
    st.module = fx.keys[fn].second;
    // Where it ran itself when it did, else where it called from.
    const auto& at = st.self_samples != 0 ? self_at : total_at;
    std::map<std::uint32_t, std::uint64_t> by_frame;
    for (const auto f : frames_of[fn]) {
      if (at[f] != 0) by_frame.emplace(f, at[f]);
    }
    const auto hottest = std::max_element(by_frame.begin(), by_frame.end(),
                                          [](const auto& a, const auto& b) { return a.second < b.second; });
    if (hottest != by_frame.end()) {
      const auto& f = p.frames[hottest->first];
      st.file = f.file;
      st.line = f.line;
      st.address = f.address;
    }
    st.lines = line_split(p, by_frame);
    st.spin_wait = is_spin_wait(st.name);
    st.self_pct = pct(st.self_samples, samples.size());
    st.total_pct = pct(st.total_samples, samples.size());
    out.push_back(std::move(st));
  }
  std::sort(out.begin(), out.end(), [](const FunctionStat& a, const FunctionStat& b) {
    if (a.self_samples != b.self_samples) return a.self_samples > b.self_samples;
    if (a.total_samples != b.total_samples) return a.total_samples > b.total_samples;
    return a.name < b.name;
  });
  if (out.size() > top) out.resize(top);
  return out;
}

namespace {

// Below this many samples a share's 95% interval is wider than +-10 points.
constexpr std::uint64_t kFewSamples = 100;

void add_hints(ProfileReport& r, const ProfileOptions& o) {
  if (r.spin_wait_pct > o.hint_pct / 4) {
    std::string names;
    for (const auto& f : r.functions) {
      if (f.spin_wait && names.size() < 60) names += (names.empty() ? "" : ", ") + f.name;
    }
    r.hints.push_back("spin-wait: " + fmt_pct(r.spin_wait_pct) + " of the samples are threads spinning at a barrier " +
                      "or lock (" + names + "): time spent waiting for other threads, not work to optimise; " +
                      "look at what the slowest thread does meanwhile");
  }
  for (const auto& f : r.functions) {
    if (f.self_pct <= o.hint_pct || f.spin_wait) continue;
    // A share of a few samples says little (1 of 2 is anywhere from 9% to 91%): the advice needs the
    // share's 95% interval above the threshold, not only its middle.
    if (stats::share_interval(f.self_samples, r.samples).low * 100 <= o.hint_pct) continue;
    // The hottest line with its share; the whole split is in the JSON (`lines`).
    const std::string where = f.lines.empty() ? "no line info for " + basename(f.module)
                                              : "hottest line " + basename(f.lines.front().file) + ":" +
                                                    std::to_string(f.lines.front().line) + ", " +
                                                    fmt_pct(f.lines.front().pct) + " of it";
    r.hints.push_back(f.name + " takes " + fmt_pct(f.self_pct) + " of the samples by itself (" + where +
                      "): optimise it first");
  }
  for (const auto& ph : r.phases) {
    if (ph.pct <= o.hint_pct || ph.functions.empty()) continue;
    r.hints.push_back("phase '" + ph.name + "' holds " + fmt_pct(ph.pct) + " of the samples; during " + ph.name + " " +
                      fmt_pct(ph.functions.front().self_pct) + " in " + ph.functions.front().name);
  }
  if (r.samples > 0 && static_cast<double>(r.truncated) > 0.05 * static_cast<double>(r.samples)) {
    r.warnings.push_back(fmt_pct(pct(r.truncated, r.samples)) +
                         " of the samples have call chains that stop before main or a thread's start: "
                         "record with --call-graph dwarf and a larger --stack-size (up to 65528)");
  }
  if (r.lost > 0) {
    r.warnings.push_back(std::to_string(r.lost) + " samples lost in " + std::to_string(r.lost_records) +
                         " ring overruns: raise --mmap-pages or lower -F");
  }
  if (r.throttled > 0) {
    r.warnings.push_back("the kernel throttled sampling " + std::to_string(r.throttled) +
                         " times (kernel.perf_event_max_sample_rate): lower -F");
  }
  for (const auto& m : r.modules) {
    if (m.build_id_mismatch)
      r.warnings.push_back(m.path + " changed since it was recorded (build-id differs): its symbols may be wrong");
    if (m.samples > 0 && !m.has_symbols && m.path.starts_with("/")) {
      r.warnings.push_back(m.path + " has no symbols: install its debug package (-dbg/-dbgsym) for names");
    } else if (m.samples > 0 && !m.has_debuginfo && m.path.starts_with("/")) {
      r.warnings.push_back("no debug info for " + basename(m.path) +
                           " (no source lines): install its -dbgsym/-dbg package or build it with -g; debuginfod is "
                           "used when DEBUGINFOD_URLS is set");
    }
  }
  if (r.samples > 0 && r.samples < kFewSamples) {
    const auto half = stats::share_interval(r.samples / 2, r.samples);
    r.warnings.push_back("only " + std::to_string(r.samples) + " samples: a share of about 50% may be anywhere from " +
                         fmt_pct(half.low * 100) + " to " + fmt_pct(half.high * 100) +
                         " (95% interval): record longer or at a higher -F");
  }
}

}  // namespace

ProfileReport analyse_profile(const ResolvedProfile& p, const std::vector<PhaseResult>& phases,
                              const ProfileOptions& o) {
  ProfileReport r;
  r.event = p.event;
  r.frequency_hz = p.frequency_hz;
  r.period = p.period;
  r.call_graph = p.call_graph;
  r.samples = p.samples.size();
  r.lost = p.lost_samples;
  r.lost_records = p.lost_records;
  r.throttled = p.throttled;
  r.dwarf_unwound = p.dwarf_unwound;
  r.truncated = p.truncated;
  r.modules = p.modules;
  std::vector<const ResolvedSample*> all;
  all.reserve(p.samples.size());
  for (const auto& s : p.samples) all.push_back(&s);
  if (!p.samples.empty()) {
    const auto [lo, hi] = std::minmax_element(p.samples.begin(), p.samples.end(),
                                              [](const auto& a, const auto& b) { return a.t_ns < b.t_ns; });
    // In doubles: a crafted file's timestamps can lie far enough apart to overflow the difference.
    r.duration_ms = (static_cast<double>(hi->t_ns) - static_cast<double>(lo->t_ns)) / 1e6;
  }
  r.functions = top_functions(p, all, o.top);
  std::uint64_t spinning = 0;
  const auto spin = spin_wait_frames(p);
  for (const auto* s : all) {
    const auto& stack = p.stack_of(*s);
    if (!stack.empty() && spin[stack.front()] != 0) ++spinning;
  }
  r.spin_wait_pct = pct(spinning, all.size());
  for (const auto& ph : phases) {
    std::vector<const ResolvedSample*> in;
    for (const auto* s : all) {
      if (s->t_ns >= ph.start_ns && s->t_ns < ph.end_ns) in.push_back(s);
    }
    r.phases.push_back(
        {ph.name, ph.start_ns, ph.end_ns, in.size(), pct(in.size(), all.size()), top_functions(p, in, o.top)});
  }
  // Each thread's samples, counted first so that each list is made at its size; one thread's are all.
  std::map<pid_t, std::size_t> per_tid;
  for (const auto* s : all) ++per_tid[s->tid];
  std::map<pid_t, std::vector<const ResolvedSample*>> by_tid;
  if (per_tid.size() > 1) {
    for (const auto& [tid, n] : per_tid) by_tid[tid].reserve(n);
    for (const auto* s : all) by_tid[s->tid].push_back(s);
  }
  for (const auto& count : per_tid) {
    const pid_t tid = count.first;
    const auto& samples = per_tid.size() == 1 ? all : by_tid[tid];
    const auto name = p.thread_names.find(tid);
    r.threads.push_back({tid, samples.front()->pid, name == p.thread_names.end() ? std::string() : name->second,
                         samples.size(), pct(samples.size(), all.size()),
                         per_tid.size() == 1 ? r.functions : top_functions(p, samples, o.top)});
  }
  std::sort(r.threads.begin(), r.threads.end(), [](const auto& a, const auto& b) { return a.samples > b.samples; });
  add_hints(r, o);
  add_off_cpu(r, p, o.top);
  return r;
}

}  // namespace perfprobe::report
