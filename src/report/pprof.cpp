// ResolvedProfile -> pprof's Profile message, written with protozero (field numbers from
// profile.proto). Identical samples (same locations, phases and thread) are merged into one
// Sample whose values are summed, as pprof's own tools do. Off-CPU intervals are Samples too, with
// their wait's chain under a "[off-cpu: REASON]" leaf and their time as the "off_cpu" value.
#include "perfprobe/report/pprof.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <protozero/pbf_writer.hpp>
#include <tuple>

namespace perfprobe::report {

namespace {

// A crafted file's period can make samples x period overflow; the value saturates instead.
std::int64_t saturating_product(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? INT64_MAX : out;
}

std::int64_t saturating_difference(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  return __builtin_sub_overflow(a, b, &out) ? INT64_MAX : out;
}

std::int64_t saturating_sum(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? INT64_MAX : out;
}

// profile.proto field numbers.
namespace pb {
enum Profile : protozero::pbf_tag_type {
  sample_type = 1,
  sample = 2,
  mapping = 3,
  location = 4,
  function = 5,
  string_table = 6,
  time_nanos = 9,
  duration_nanos = 10,
  period_type = 11,
  period = 12,
  comment = 13,
  default_sample_type = 14,
};
enum ValueType : protozero::pbf_tag_type { vt_type = 1, vt_unit = 2 };
enum Sample : protozero::pbf_tag_type { s_location_id = 1, s_value = 2, s_label = 3 };
enum Label : protozero::pbf_tag_type { l_key = 1, l_str = 2, l_num = 3 };
enum Mapping : protozero::pbf_tag_type {
  m_id = 1,
  m_memory_start = 2,
  m_memory_limit = 3,
  m_file_offset = 4,
  m_filename = 5,
  m_build_id = 6,
  m_has_functions = 7,
  m_has_filenames = 8,
  m_has_line_numbers = 9,
  m_has_inline_frames = 10,
};
enum Location : protozero::pbf_tag_type { loc_id = 1, loc_mapping_id = 2, loc_address = 3, loc_line = 4 };
enum Line : protozero::pbf_tag_type { line_function_id = 1, line_line = 2 };
enum Function : protozero::pbf_tag_type { f_id = 1, f_name = 2, f_system_name = 3, f_filename = 4 };
}  // namespace pb

struct MappingInfo {
  std::uint64_t id = 0;
  std::uint64_t limit = 1;  // past the highest address seen in the module
};

struct SampleKey {
  std::vector<std::uint64_t> locations;
  std::vector<std::size_t> phases;
  pid_t pid = 0, tid = 0;
  int reason = -1;  // an off-CPU interval's OffCpuReason; -1 for a sample
  // clang-tidy takes the defaulted comparison's synthesized `0` for a null pointer.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const SampleKey&) const = default;
};

// What the Samples of one key add up to: CPU samples, or time off CPU.
struct SampleValue {
  std::uint64_t samples = 0;
  std::int64_t off_cpu_ns = 0;
};

class Builder {
 public:
  Builder(const ResolvedProfile& p, const std::vector<PhaseResult>& phases) : p_(p), phases_(phases) {
    strings_.emplace_back();
    string_ids_.emplace("", 0);
  }

  std::string build(const PprofMeta& meta) {
    // pprof takes the first mapping for the main binary (its "File:" line).
    if (const auto main = main_module(); !main.empty()) mappings_.emplace(main, MappingInfo{1, 1});
    for (const auto& s : p_.samples) ++counts_[key_of(s)].samples;
    if (p_.off_cpu_recorded) {
      for (const auto& i : p_.off_cpu) add_off_cpu(i);
    }
    std::string out;
    protozero::pbf_writer w{out};
    const bool cpu_time = p_.event == "cpu-clock" || p_.event == "task-clock";
    value_type(w, pb::sample_type, "samples", "count");
    if (cpu_time) value_type(w, pb::sample_type, "cpu", "nanoseconds");
    if (p_.off_cpu_recorded) {
      value_type(w, pb::sample_type, "off_cpu", "nanoseconds");
      // On and off CPU in one view: a sample's CPU time beside a wait's time.
      if (cpu_time) value_type(w, pb::sample_type, "wall", "nanoseconds");
    }
    write_samples(w, cpu_time);
    write_mappings(w);
    write_locations(w);
    write_functions(w);
    write_header(w, meta, cpu_time);
    for (const auto& s : strings_) w.add_string(pb::string_table, s);
    return out;
  }

 private:
  std::int64_t str(const std::string& s) {
    const auto [it, added] = string_ids_.emplace(s, static_cast<std::int64_t>(strings_.size()));
    if (added) strings_.push_back(s);
    return it->second;
  }

  void value_type(protozero::pbf_writer& w, protozero::pbf_tag_type tag, const std::string& type,
                  const std::string& unit) {
    const auto t = str(type), u = str(unit);
    protozero::pbf_writer vt{w, tag};
    vt.add_int64(pb::vt_type, t);
    vt.add_int64(pb::vt_unit, u);
  }

  // The sampling period in ns for a CPU-time event, 0 when unknown.
  [[nodiscard]] std::int64_t period_ns() const {
    if (p_.period > 0) return static_cast<std::int64_t>(std::min<std::uint64_t>(p_.period, INT64_MAX));
    if (p_.frequency_hz > 0) return static_cast<std::int64_t>(1'000'000'000 / p_.frequency_hz);
    return 0;
  }

  // The module of most outermost frames (main, _start): the program itself.
  [[nodiscard]] std::string main_module() const {
    std::map<std::string, std::size_t> roots;
    for (const auto& s : p_.samples) {
      const auto& stack = p_.stack_of(s);
      if (!stack.empty()) ++roots[p_.frames[stack.back()].module];
    }
    roots.erase("");
    const auto it =
        std::max_element(roots.begin(), roots.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    return it == roots.end() ? std::string() : it->first;
  }

  SampleKey key_of(const ResolvedSample& s) {
    SampleKey k;
    k.pid = s.pid;
    k.tid = s.tid;
    k.phases = phases_at(s.t_ns);
    add_locations(k, p_.stack_of(s));
    return k;
  }

  [[nodiscard]] std::vector<std::size_t> phases_at(std::int64_t t) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      if (t >= phases_[i].start_ns && t < phases_[i].end_ns) out.push_back(i);
    }
    return out;
  }

  // Leaf first: inlined frames join the next physical frame's location.
  void add_locations(SampleKey& k, const std::vector<std::uint32_t>& stack) {
    std::vector<std::uint32_t> group;
    for (const auto f : stack) {
      group.push_back(f);
      if (!p_.frames[f].inlined) {
        k.locations.push_back(location_of(group));
        group.clear();
      }
    }
    if (!group.empty()) k.locations.push_back(location_of(group));
  }

  // One wait: its chain under a leaf that names the reason, cut where phases begin or end so that
  // each piece carries the phases it lies in.
  void add_off_cpu(const OffCpuInterval& i) {
    SampleKey k;
    k.pid = i.pid;
    k.tid = i.tid;
    k.reason = static_cast<int>(i.reason);
    k.locations.push_back(reason_location(i.reason));
    add_locations(k, i.stack);
    std::vector<std::int64_t> cuts{i.start_ns, i.end_ns};
    for (const auto& ph : phases_) {
      for (const auto t : {ph.start_ns, ph.end_ns}) {
        if (t > i.start_ns && t < i.end_ns) cuts.push_back(t);
      }
    }
    std::sort(cuts.begin(), cuts.end());
    for (std::size_t c = 1; c < cuts.size(); ++c) {
      if (cuts[c] <= cuts[c - 1]) continue;
      k.phases = phases_at(cuts[c - 1]);
      auto& total = counts_[k].off_cpu_ns;
      total = saturating_sum(total, saturating_difference(cuts[c], cuts[c - 1]));
    }
  }

  // The synthetic leaf "[off-cpu: REASON]" (the name folded stacks use): no mapping, no address.
  std::uint64_t reason_location(OffCpuReason r) {
    const auto [it, added] = reason_locations_.try_emplace(static_cast<int>(r), 0);
    if (added) {
      it->second = ++next_location_;
      function_of(reason_frame(r));
    }
    return it->second;
  }

  static FrameInfo reason_frame(OffCpuReason r) {
    FrameInfo f;
    f.function = std::string("[off-cpu: ") + off_cpu_reason_name(r) + "]";
    return f;
  }

  std::uint64_t location_of(const std::vector<std::uint32_t>& frames) {
    const auto [it, added] = locations_.try_emplace(frames, 0);
    if (added) {
      it->second = ++next_location_;
      const FrameInfo& physical = p_.frames[frames.back()];
      if (!physical.module.empty()) {
        auto [m, _] = mappings_.emplace(physical.module, MappingInfo{mappings_.size() + 1, 1});
        m->second.limit = std::max(m->second.limit, physical.address + 1);
      }
      for (const auto f : frames) function_of(p_.frames[f]);
    }
    return it->second;
  }

  std::uint64_t function_of(const FrameInfo& f) {
    return functions_.emplace(std::make_pair(f.function, f.file), functions_.size() + 1).first->second;
  }

  void write_samples(protozero::pbf_writer& w, bool cpu_time) {
    const auto phase_key = str("phase"), thread_key = str("thread"), tid_key = str("tid"), pid_key = str("pid");
    const auto reason_key = str("off_cpu_reason");
    for (const auto& [k, v] : counts_) {
      const auto n = static_cast<std::int64_t>(v.samples);
      std::vector<std::int64_t> values{n};
      if (cpu_time) values.push_back(saturating_product(n, period_ns()));
      if (p_.off_cpu_recorded) {
        values.push_back(v.off_cpu_ns);
        if (cpu_time) values.push_back(saturating_sum(saturating_product(n, period_ns()), v.off_cpu_ns));
      }
      std::vector<std::int64_t> phase_names;
      for (const auto i : k.phases) phase_names.push_back(str(phases_[i].name));
      const auto name = p_.thread_names.find(k.tid);
      const auto thread = str(name == p_.thread_names.end() ? std::to_string(k.tid) : name->second);
      protozero::pbf_writer s{w, pb::sample};
      s.add_packed_uint64(pb::s_location_id, k.locations.begin(), k.locations.end());
      s.add_packed_int64(pb::s_value, values.begin(), values.end());
      for (const auto ph : phase_names) label(s, phase_key, ph, 0);
      label(s, thread_key, thread, 0);
      label(s, tid_key, 0, k.tid);
      label(s, pid_key, 0, k.pid);
      if (k.reason >= 0) label(s, reason_key, str(off_cpu_reason_name(static_cast<OffCpuReason>(k.reason))), 0);
    }
  }

  static void label(protozero::pbf_writer& s, std::int64_t key, std::int64_t text, std::int64_t num) {
    protozero::pbf_writer l{s, pb::s_label};
    l.add_int64(pb::l_key, key);
    if (text != 0) l.add_int64(pb::l_str, text);
    if (num != 0) l.add_int64(pb::l_num, num);
  }

  void write_mappings(protozero::pbf_writer& w) {
    std::map<std::string, const ModuleSummary*> modules;
    for (const auto& m : p_.modules) modules.emplace(m.path, &m);
    std::vector<std::pair<std::uint64_t, std::string>> by_id;
    for (const auto& [path, info] : mappings_) by_id.emplace_back(info.id, path);
    std::sort(by_id.begin(), by_id.end());
    for (const auto& [id, path] : by_id) {
      const MappingInfo& info = mappings_.at(path);
      const auto it = modules.find(path);
      const ModuleSummary* mod = it == modules.end() ? nullptr : it->second;
      const auto file = str(path), build_id = str(mod == nullptr ? std::string() : mod->build_id);
      protozero::pbf_writer m{w, pb::mapping};
      m.add_uint64(pb::m_id, info.id);
      // Addresses are module-relative (what addr2line takes), so every module maps at 0.
      m.add_uint64(pb::m_memory_start, 0);
      m.add_uint64(pb::m_memory_limit, info.limit);
      m.add_uint64(pb::m_file_offset, 0);
      m.add_int64(pb::m_filename, file);
      if (build_id != 0) m.add_int64(pb::m_build_id, build_id);
      const bool symbols = mod != nullptr && mod->has_symbols, lines = mod != nullptr && mod->has_debuginfo;
      m.add_bool(pb::m_has_functions, symbols);
      m.add_bool(pb::m_has_filenames, lines);
      m.add_bool(pb::m_has_line_numbers, lines);
      m.add_bool(pb::m_has_inline_frames, lines);
    }
  }

  void write_locations(protozero::pbf_writer& w) {
    for (const auto& [reason, id] : reason_locations_) {
      protozero::pbf_writer loc{w, pb::location};
      loc.add_uint64(pb::loc_id, id);
      protozero::pbf_writer line{loc, pb::loc_line};
      line.add_uint64(pb::line_function_id, function_of(reason_frame(static_cast<OffCpuReason>(reason))));
    }
    for (const auto& [frames, id] : locations_) {
      const FrameInfo& physical = p_.frames[frames.back()];
      protozero::pbf_writer loc{w, pb::location};
      loc.add_uint64(pb::loc_id, id);
      if (!physical.module.empty()) {
        loc.add_uint64(pb::loc_mapping_id, mappings_.at(physical.module).id);
        loc.add_uint64(pb::loc_address, physical.address);
      }
      for (const auto f : frames) {
        protozero::pbf_writer line{loc, pb::loc_line};
        line.add_uint64(pb::line_function_id, function_of(p_.frames[f]));
        line.add_int64(pb::line_line, p_.frames[f].line);
      }
    }
  }

  void write_functions(protozero::pbf_writer& w) {
    for (const auto& [name_file, id] : functions_) {
      const auto name = str(name_file.first), file = str(name_file.second);
      protozero::pbf_writer f{w, pb::function};
      f.add_uint64(pb::f_id, id);
      f.add_int64(pb::f_name, name);
      f.add_int64(pb::f_system_name, name);
      f.add_int64(pb::f_filename, file);
    }
  }

  void write_header(protozero::pbf_writer& w, const PprofMeta& meta, bool cpu_time) {
    if (meta.time_unix_ns > 0) w.add_int64(pb::time_nanos, meta.time_unix_ns);
    if (meta.duration_ns > 0) w.add_int64(pb::duration_nanos, meta.duration_ns);
    if (cpu_time) {
      value_type(w, pb::period_type, "cpu", "nanoseconds");
      w.add_int64(pb::period, period_ns());
      w.add_int64(pb::default_sample_type, str("cpu"));
    }
    std::string command;
    for (const auto& a : meta.command) command += (command.empty() ? "" : " ") + a;
    std::vector<std::string> comments{meta.tool, "event: " + p_.event, "call graph: " + p_.call_graph};
    if (!command.empty()) comments.push_back("command: " + command);
    for (const auto& c : comments) {
      if (!c.empty()) w.add_int64(pb::comment, str(c));
    }
  }

  const ResolvedProfile& p_;
  const std::vector<PhaseResult>& phases_;
  std::vector<std::string> strings_;
  std::map<std::string, std::int64_t> string_ids_;
  std::map<SampleKey, SampleValue> counts_;
  std::map<std::vector<std::uint32_t>, std::uint64_t> locations_;  // frames, leaf first -> id
  std::map<int, std::uint64_t> reason_locations_;                  // OffCpuReason -> id
  std::uint64_t next_location_ = 0;
  std::map<std::string, MappingInfo> mappings_;                             // module path -> mapping
  std::map<std::pair<std::string, std::string>, std::uint64_t> functions_;  // (name, file) -> id
};

}  // namespace

std::string to_pprof(const ResolvedProfile& profile, const std::vector<PhaseResult>& phases, const PprofMeta& meta) {
  return Builder(profile, phases).build(meta);
}

std::int64_t recording_start_unix_ns(std::int64_t ended_unix_s, std::int64_t wall_ns) noexcept {
  std::int64_t ended_ns = 0;
  std::int64_t start_ns = 0;
  if (ended_unix_s < 0 || wall_ns < 0 || __builtin_mul_overflow(ended_unix_s, 1'000'000'000, &ended_ns) ||
      __builtin_sub_overflow(ended_ns, wall_ns, &start_ns) || start_ns < 0) {
    return 0;
  }
  return start_ns;
}

}  // namespace perfprobe::report
