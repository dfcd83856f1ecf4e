// Turning each sample's addresses into interned frames, with caches per address and per module,
// since the same few thousand addresses recur in every profile.
#include "perfprobe/symbols/resolve.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "address_map.hpp"
#include "perfprobe/in_order.hpp"
#include "perfprobe/sampling/off_cpu.hpp"
#include "perfprobe/sampling/stack_policy.hpp"
#include "unwinder.hpp"

namespace perfprobe::symbols {

namespace {

// Where every whole chain ends: the process's entry (the C library's start code, or main when
// nothing above it could be read) or a thread's start routine.
bool is_root(const std::string& fn) {
  static const std::set<std::string> roots = {
      "main",  "_start", "__libc_start_main", "__libc_start_call_main", "start_thread",
      "clone", "clone3", "thread_start"};
  return roots.contains(fn);
}

class Resolver {
 public:
  Resolver(const sampling::Profile& p, Symbolizer& sym, ResolvedProfile& out) : p_(p), sym_(sym), out_(out), map_(p) {}

  void sample(const sampling::Sample& s) {
    const auto id = stack_id(s, call_chain(s));
    if (stack_truncated_[id] != 0) ++out_.truncated;
    out_.samples.push_back({s.t_ns, s.pid, s.tid, id});
  }

  // A wait sample's call chain, unwound as it is read, by an id shared with every wait whose chain,
  // process and address-map period (stack_id) are the same: a preempted program's waits repeat a
  // few chains thousands of times. Its frames come later, once per id (wait_stack).
  std::uint32_t wait_chain_id(const sampling::Sample& s) {
    const bool counting = counting_;
    counting_ = false;
    const auto& chain = call_chain(s);
    counting_ = counting;
    const auto& key = chain_key(s, chain);
    if (const auto it = wait_chain_ids_.find(key); it != wait_chain_ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(wait_chains_.size());
    wait_chains_.push_back({s.pid, s.t_ns, chain, {}, false});
    wait_chain_ids_.emplace(key, id);
    return id;
  }

  // The frames of a wait chain (wait_chain_id), leaf first, with a "[truncated]" frame where it
  // stops short of a root (the same test as the samples' truncated figure: its frame-pointer walk
  // ran out of stack copy, docs/record.md). Looked up when first asked for.
  const std::vector<std::uint32_t>& wait_stack(std::uint32_t id) {
    auto& w = wait_chains_[id];
    if (!w.resolved) {
      w.stack = gather(w.pid, w.t_ns, w.chain);
      mark_truncated(w.stack);
      w.resolved = true;
      decltype(w.chain)().swap(w.chain);
    }
    return w.stack;
  }

  // Wait samples are not CPU samples: they leave the sample figures alone.
  void count_unwinds(bool on) { counting_ = on; }

  // How much of each address the lookups from now on need (Symbolizer::Detail).
  void detail(Symbolizer::Detail d) { detail_ = d; }

  void mark_truncated(std::vector<std::uint32_t>& stack) {
    if (stack.empty() || root_[stack.back()] != 0) return;
    FrameInfo f;
    f.function = std::string(kTruncatedFrame);
    stack.push_back(intern(std::move(f)));
  }

  void count_modules() {
    std::vector<std::uint64_t> per_stack(out_.stacks.size());
    for (const auto& s : out_.samples) ++per_stack[s.stack];
    std::map<std::string, std::uint64_t> leaf_count;
    for (std::size_t i = 0; i < per_stack.size(); ++i) {
      const auto& stack = out_.stacks[i];
      if (per_stack[i] != 0 && !stack.empty()) leaf_count[out_.frames[stack.front()].module] += per_stack[i];
    }
    std::map<std::string, std::string> recorded;  // path -> build-id seen at record time
    for (const auto& m : p_.mappings) recorded.emplace(m.path, m.build_id);
    for (const auto& [path, build_id] : recorded) {
      ModuleSummary m = path.empty() || path[0] != '/' ? ModuleSummary{} : sym_.describe(path);
      m.path = path;
      if (!build_id.empty() && !m.build_id.empty() && build_id != m.build_id) m.build_id_mismatch = true;
      if (!build_id.empty()) m.build_id = build_id;
      const auto it = leaf_count.find(path);
      m.samples = it == leaf_count.end() ? 0 : it->second;
      out_.modules.push_back(std::move(m));
    }
  }

 private:
  // The sample's own chain when it has no stack copy (most samples): referred to, not copied.
  const std::vector<std::uint64_t>& call_chain(const sampling::Sample& s) {
    if (s.stack.empty()) return s.callchain;
    auto& unwinder = unwinders_[s.pid];
    if (!unwinder) unwinder = std::make_unique<Unwinder>(map_.visible(s.pid, s.t_ns), sym_);
    const auto& dwarf = unwinder->unwind(s);
    // Automatic mode kept the whole copy exactly when the chain crosses code without frame
    // pointers: its frame-pointer chain is not to be trusted there.
    const auto mode = p_.config.call_graph;
    const bool prefer_dwarf =
        mode == sampling::CallGraph::dwarf || (mode == sampling::CallGraph::automatic && sampling::stack_kept_whole(s));
    if (splice_chains(dwarf, s.callchain, prefer_dwarf, spliced_) && counting_) ++out_.dwarf_unwound;
    return spliced_;
  }

  // The frames of a chain, in a buffer kept from sample to sample: most samples' stacks are
  // already interned, and then nothing is allocated for them.
  const std::vector<std::uint32_t>& gather(pid_t pid, std::int64_t t_ns, const std::vector<std::uint64_t>& chain) {
    frames_buf_.clear();
    for (std::size_t i = 0; i < chain.size(); ++i) {
      const auto& ids = frames_at(pid, t_ns, chain[i], i > 0);
      frames_buf_.insert(frames_buf_.end(), ids.begin(), ids.end());
    }
    return frames_buf_;
  }

  // The stack of a chain, remembered by the chain, its process and which of the process's address
  // map's periods (AddressMap::change_times) the sample falls in: within one, the same addresses
  // give the same frames, and a hot loop's samples repeat a few chains.
  std::uint32_t stack_id(const sampling::Sample& s, const std::vector<std::uint64_t>& chain) {
    const auto& key = chain_key(s, chain);
    if (const auto it = by_chain_.find(key); it != by_chain_.end()) return it->second;
    const auto id = intern_stack(gather(s.pid, s.t_ns, chain));
    // Bounded like the unwinder's memory: a long, varied recording starts afresh now and then.
    constexpr std::size_t kMostChains = std::size_t{1} << 16;
    if (by_chain_.size() >= kMostChains) by_chain_.clear();
    by_chain_.emplace(key, id);
    return id;
  }

  // The process, the period of its address map the sample falls in, and the chain: in a buffer
  // kept from sample to sample.
  const std::vector<std::uint64_t>& chain_key(const sampling::Sample& s, const std::vector<std::uint64_t>& chain) {
    // Samples come from one process in a row: its entry is kept (map nodes stay put).
    if (times_ == nullptr || times_pid_ != s.pid) {
      times_ = &change_times_[s.pid];
      times_pid_ = s.pid;
    }
    auto& times = *times_;
    if (!times) times = map_.change_times(s.pid);
    const auto period = std::upper_bound(times->begin(), times->end(), s.t_ns) - times->begin();
    chain_key_.assign({static_cast<std::uint64_t>(s.pid), static_cast<std::uint64_t>(period)});
    chain_key_.insert(chain_key_.end(), chain.begin(), chain.end());
    return chain_key_;
  }
  // A few multiplies a key: std::hash has none for a vector, and a key's words are addresses.
  struct ChainKeyHash {
    std::size_t operator()(const std::vector<std::uint64_t>& key) const noexcept {
      std::uint64_t h = 0xcbf29ce484222325ULL;
      for (const auto w : key) h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
      return static_cast<std::size_t>(h ^ (h >> 32));
    }
  };

  // The id of an equal stack seen before, else of this one added to the profile.
  std::uint32_t intern_stack(const std::vector<std::uint32_t>& stack) {
    if (const auto it = stack_ids_.find(stack); it != stack_ids_.end()) return *it;
    const auto id = out_.add_stack(stack);
    stack_ids_.insert(id);
    stack_truncated_.push_back(stack.empty() || root_[stack.back()] == 0 ? 1 : 0);
    return id;
  }

  // The interned stacks' ids, hashed and compared by the stacks they name, so that a stack is looked
  // up without a copy of it (C++20 transparent lookup).
  static std::size_t hash_of(const std::vector<std::uint32_t>& stack) {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the frame ids
    for (const auto f : stack) h = (h ^ f) * 0x100000001b3ULL;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
  struct StackHash {
    using is_transparent = void;
    const std::vector<std::vector<std::uint32_t>>* stacks;
    std::size_t operator()(std::uint32_t id) const { return hash_of((*stacks)[id]); }
    std::size_t operator()(const std::vector<std::uint32_t>& s) const { return hash_of(s); }
  };
  struct StackEqual {
    using is_transparent = void;
    const std::vector<std::vector<std::uint32_t>>* stacks;
    bool operator()(std::uint32_t a, std::uint32_t b) const { return a == b; }
    bool operator()(std::uint32_t a, const std::vector<std::uint32_t>& b) const { return (*stacks)[a] == b; }
    bool operator()(const std::vector<std::uint32_t>& a, std::uint32_t b) const { return a == (*stacks)[b]; }
  };

  // The same runtime address of the same mapping always gives the same frames: looked up once.
  struct AddressKey {
    const sampling::Mapping* mapping;
    std::uint64_t addr;
    bool is_return;
    Symbolizer::Detail detail;
    bool operator==(const AddressKey&) const = default;
  };
  struct AddressHash {
    std::size_t operator()(const AddressKey& k) const noexcept {
      return std::hash<std::uint64_t>{}(k.addr * 31 + static_cast<std::uint64_t>(k.is_return) * 2 +
                                        static_cast<std::uint64_t>(k.detail)) ^
             std::hash<const void*>{}(k.mapping);
    }
  };

  const std::vector<std::uint32_t>& frames_at(pid_t pid, std::int64_t t_ns, std::uint64_t addr, bool is_return) {
    const sampling::Mapping* m = map_.find(pid, addr, t_ns);
    // Whole frames already looked up serve a lookup that needs less as well.
    const AddressKey full_key{m, addr, is_return, Symbolizer::Detail::full};
    if (const auto it = by_address_.find(full_key); it != by_address_.end()) return it->second;
    const AddressKey address_key{m, addr, is_return, detail_};
    if (const auto it = by_address_.find(address_key); it != by_address_.end()) return it->second;
    return by_address_.emplace(address_key, lookup(m, addr, is_return)).first->second;
  }

  const std::vector<std::uint32_t>& lookup(const sampling::Mapping* m, std::uint64_t addr, bool is_return) {
    const std::string path = m == nullptr ? std::string() : m->path;
    std::uint64_t file_addr = addr;
    if (m != nullptr) {
      const auto fa = sym_.file_address(m->path, m->start, m->pgoff, addr);
      file_addr = fa.value_or(addr - m->start + m->pgoff);
    }
    if (detail_ != Symbolizer::Detail::full) {
      const auto full = cache_.find(std::make_tuple(path, file_addr, is_return, Symbolizer::Detail::full));
      if (full != cache_.end()) return full->second;
    }
    const auto key = std::make_tuple(path, file_addr, is_return, detail_);
    if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
    std::vector<FrameInfo> frames;
    if (m != nullptr) frames = sym_.frames(m->path, file_addr, is_return, detail_);
    if (frames.empty()) {
      FrameInfo f;
      f.function = path.empty() ? "[unknown]" : path;
      f.module = path;
      f.address = file_addr;
      frames.push_back(std::move(f));
    }
    std::vector<std::uint32_t> ids;
    ids.reserve(frames.size());
    for (auto& f : frames) ids.push_back(intern(std::move(f)));
    return cache_.emplace(key, std::move(ids)).first->second;
  }

  std::uint32_t intern(FrameInfo f) {
    auto key = std::make_tuple(f.function, f.file, f.line, f.module, f.inlined);
    if (const auto it = ids_.find(key); it != ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(out_.frames.size());
    root_.push_back(is_root(f.function) ? 1 : 0);
    out_.frames.push_back(std::move(f));
    ids_.emplace(std::move(key), id);
    return id;
  }

  const sampling::Profile& p_;
  Symbolizer& sym_;
  ResolvedProfile& out_;
  AddressMap map_;
  std::map<pid_t, std::unique_ptr<Unwinder>> unwinders_;
  std::map<std::tuple<std::string, std::uint64_t, bool, Symbolizer::Detail>, std::vector<std::uint32_t>> cache_;
  std::unordered_map<AddressKey, std::vector<std::uint32_t>, AddressHash> by_address_;
  std::vector<char> root_;                 // per frame id: 1 when a whole chain ends there
  std::vector<std::uint64_t> spliced_;     // the last unwound chain (call_chain)
  std::vector<std::uint32_t> frames_buf_;  // the frames of the chain at hand (gather)
  std::unordered_set<std::uint32_t, StackHash, StackEqual> stack_ids_{64, StackHash{&out_.stacks},
                                                                      StackEqual{&out_.stacks}};
  std::map<pid_t, std::optional<std::vector<std::int64_t>>> change_times_;  // by process, made when first asked
  std::optional<std::vector<std::int64_t>>* times_ = nullptr;               // change_times_'s entry for times_pid_
  pid_t times_pid_ = 0;
  std::vector<std::uint64_t> chain_key_;                                                  // chain_key's, reused
  std::unordered_map<std::vector<std::uint64_t>, std::uint32_t, ChainKeyHash> by_chain_;  // stack id by chain_key
  struct WaitChain {
    pid_t pid;
    std::int64_t t_ns;                 // of its first wait: any other gives the same frames
    std::vector<std::uint64_t> chain;  // until resolved
    std::vector<std::uint32_t> stack;  // once resolved
    bool resolved;
  };
  std::vector<WaitChain> wait_chains_;                                                          // by wait_chain_id
  std::unordered_map<std::vector<std::uint64_t>, std::uint32_t, ChainKeyHash> wait_chain_ids_;  // by chain_key
  std::vector<char> stack_truncated_;  // per stack id: 1 when it stops short of a root
  std::map<std::tuple<std::string, std::string, int, std::string, bool>, std::uint32_t> ids_;
  bool counting_ = true;
  Symbolizer::Detail detail_ = Symbolizer::Detail::full;
};

// Off-CPU intervals with the call chains of their wait samples (each distinct chain resolved once).
// `chain_ids`: the waits' wait_chain_ids by index into p.waits when they were unwound as read
// (kNoChain for one never read), else empty: then the waits the intervals name are unwound here.
constexpr std::uint32_t kNoChain = UINT32_MAX;
void resolve_off_cpu(const sampling::Profile& p, Resolver& resolver, ResolvedProfile& out,
                     std::vector<std::uint32_t> chain_ids, Symbolizer::Detail detail) {
  out.off_cpu_recorded = p.off_cpu.switches;
  out.off_cpu_mechanism = p.off_cpu.mechanism;
  out.off_cpu_states = p.off_cpu.states;
  out.lost_waits = p.lost_waits;
  out.major_faults_recorded = p.off_cpu.major_faults;
  for (const auto& w : p.waits) {
    if (w.kind == sampling::WaitSample::Kind::major_fault) out.major_fault_times.push_back(w.sample.t_ns);
  }
  std::sort(out.major_fault_times.begin(), out.major_fault_times.end());
  if (!p.off_cpu.switches) return;
  out.thread_spans = sampling::thread_spans(p);
  const auto intervals = sampling::wait_intervals(p, out.thread_spans);
  resolver.count_unwinds(false);
  resolver.detail(detail);
  const bool unwind_here = chain_ids.empty();
  if (unwind_here) chain_ids.assign(p.waits.size(), kNoChain);
  out.off_cpu.reserve(out.off_cpu.size() + intervals.size());
  for (const auto& w : intervals) {
    OffCpuInterval i{w.start_ns, w.end_ns, w.pid, w.tid, w.reason, {}};
    if (w.wait >= 0 && static_cast<std::size_t>(w.wait) < chain_ids.size()) {
      auto& id = chain_ids[static_cast<std::size_t>(w.wait)];
      if (id == kNoChain && unwind_here) id = resolver.wait_chain_id(p.waits[static_cast<std::size_t>(w.wait)].sample);
      if (id != kNoChain) i.stack = resolver.wait_stack(id);
    }
    out.off_cpu.push_back(std::move(i));
  }
  resolver.count_unwinds(true);
  resolver.detail(Symbolizer::Detail::full);
}

}  // namespace

namespace {

ResolvedProfile empty_resolved(const sampling::Profile& p) {
  ResolvedProfile out;
  out.event = p.config.event;
  out.frequency_hz = p.config.frequency_hz;
  out.period = p.config.period;
  out.call_graph = sampling::call_graph_name(p.config.call_graph);
  out.lost_samples = p.lost_samples;
  out.lost_records = p.lost_records;
  out.throttled = p.throttled;
  // A new thread or process carries its creator's name until it sets its own (no COMM record).
  for (const auto& t : p.tasks) {
    if (t.kind == sampling::TaskEvent::Kind::comm) out.thread_names[t.tid] = t.comm;
    if (t.kind == sampling::TaskEvent::Kind::fork && !out.thread_names.contains(t.tid)) {
      if (const auto it = out.thread_names.find(t.ptid); it != out.thread_names.end())
        out.thread_names[t.tid] = it->second;
    }
  }
  return out;
}

}  // namespace

struct ProfileResolver::State {
  State(const sampling::Profile& p, Symbolizer& sym) : profile(p), out(empty_resolved(p)), resolver(p, sym, out) {}
  const sampling::Profile& profile;
  ResolvedProfile out;
  Resolver resolver;
  std::vector<std::uint32_t> wait_chain_ids;  // by index into profile.waits (add_wait)
  Symbolizer::Detail wait_detail = Symbolizer::Detail::full;
};

ProfileResolver::ProfileResolver(const sampling::Profile& profile, Symbolizer& symbolizer)
    : state_(std::make_unique<State>(profile, symbolizer)) {}

ProfileResolver::~ProfileResolver() = default;

void ProfileResolver::reserve(std::size_t samples) {
  // The count is what the file announces: a crafted one may claim far more samples than it holds.
  // Reserving only takes address space (pages are touched as samples fill them), but not without end.
  constexpr std::size_t kMostReserved = std::size_t{1} << 22;
  state_->out.samples.reserve(std::min(samples, kMostReserved));
}

void ProfileResolver::add(const sampling::Sample& sample) { state_->resolver.sample(sample); }

void ProfileResolver::wait_detail(Symbolizer::Detail detail) { state_->wait_detail = detail; }

void ProfileResolver::add_wait(std::size_t index, const sampling::Sample& sample) {
  auto& st = *state_;
  if (index >= st.profile.waits.size()) return;
  // The reader adds each wait just before handing it over: the ids grow with the waits.
  if (index >= st.wait_chain_ids.size()) st.wait_chain_ids.resize(index + 1, kNoChain);
  st.wait_chain_ids[index] = st.resolver.wait_chain_id(sample);
}

ResolvedProfile ProfileResolver::finish() {
  auto& samples = state_->out.samples;
  const auto earlier = [](const ResolvedSample& a, const ResolvedSample& b) { return a.t_ns < b.t_ns; };
  // Often in order already (one CPU's ring at a time, one thread): then the sort's buffer of half
  // the samples is not worth its page faults.
  stable_sort_unless_sorted(samples.begin(), samples.end(), earlier);
  resolve_off_cpu(state_->profile, state_->resolver, state_->out, std::move(state_->wait_chain_ids),
                  state_->wait_detail);
  state_->resolver.count_modules();
  return std::move(state_->out);
}

ResolvedProfile resolve(const sampling::Profile& p, Symbolizer& sym, const ResolveProgress& progress) {
  ProfileResolver resolver(p, sym);
  resolver.reserve(p.samples.size());
  constexpr std::size_t kProgressEvery = 1024;
  for (std::size_t i = 0; i < p.samples.size(); ++i) {
    resolver.add(p.samples[i]);
    if (progress && (i + 1) % kProgressEvery == 0) progress(i + 1, p.samples.size());
  }
  if (progress) progress(p.samples.size(), p.samples.size());
  return resolver.finish();
}

}  // namespace perfprobe::symbols
