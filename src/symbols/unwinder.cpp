// The copied stack is the only memory the unwinder may read: a read outside it ends the unwind,
// which is how a short copy limits depth (perf's --call-graph dwarf works the same way).
#include "unwinder.hpp"

#include <elfutils/libdwfl.h>
#include <gelf.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

#include "module.hpp"
#include "perfprobe/symbols/symbolizer.hpp"

namespace perfprobe::symbols {

namespace {

constexpr std::size_t kMaxFrames = 127;  // perf_event_max_stack's default
// x86_64 DWARF register numbers (System V ABI): rbp 6, rsp 7.
constexpr int kDwarfRbp = 6;

// One word the unwinder asked for, and what it got.
struct Read {
  std::uint64_t addr = 0;
  std::uint64_t value = 0;
  bool ok = false;
  bool operator==(const Read&) const = default;
};

struct Current {
  const sampling::Sample* sample = nullptr;
  std::vector<Read>* reads = nullptr;  // every read of this unwind, in order
};

// The word at `addr` of a sample's stack copy, as memory_read gives it to libdw.
Read read_word(const sampling::Sample& s, std::uint64_t addr) {
  Read r{addr, 0, false};
  if (addr < s.sp || addr - s.sp + sizeof(Dwarf_Word) > s.stack.size()) return r;
  std::memcpy(&r.value, s.stack.data() + (addr - s.sp), sizeof(Dwarf_Word));
  r.ok = true;
  return r;
}

pid_t next_thread(Dwfl*, void*, void**) { return 0; }  // threads are asked for by tid only

bool get_thread(Dwfl*, pid_t, void* dwfl_arg, void** thread_arg) {
  *thread_arg = dwfl_arg;
  return true;
}

bool memory_read(Dwfl*, Dwarf_Addr addr, Dwarf_Word* result, void* arg) {
  auto* current = static_cast<Current*>(arg);
  const Read r = read_word(*current->sample, addr);
  if (current->reads != nullptr) current->reads->push_back(r);
  *result = r.value;
  return r.ok;
}

bool set_initial_registers(Dwfl_Thread* thread, void* arg) {
  const auto* s = static_cast<Current*>(arg)->sample;
  const Dwarf_Word regs[2] = {s->bp, s->sp};
  return dwfl_thread_state_registers(thread, kDwarfRbp, 2, regs) &&
         (dwfl_thread_state_register_pc(thread, s->ip), true);
}

constexpr Dwfl_Thread_Callbacks kCallbacks = {next_thread,           get_thread, memory_read,
                                              set_initial_registers, nullptr,    nullptr};

int collect(Dwfl_Frame* frame, void* arg) {
  auto* pcs = static_cast<std::vector<std::uint64_t>*>(arg);
  Dwarf_Addr pc = 0;
  bool activation = false;
  if (!dwfl_frame_pc(frame, &pc, &activation) || pcs->size() >= kMaxFrames) return DWARF_CB_ABORT;
  pcs->push_back(pc);
  return DWARF_CB_OK;
}

// An unwind depends on nothing but the registers it starts from and the words of the stack copy it
// reads (libdw reads memory only through memory_read): a sample with the same registers and copy size
// whose copy holds the same words at the addresses an earlier unwind read unwinds the same way.
struct Registers {
  std::uint64_t ip, sp, bp, size;
  bool operator==(const Registers&) const = default;
};
struct RegistersHash {
  std::size_t operator()(const Registers& r) const noexcept {
    return std::hash<std::uint64_t>{}(r.ip ^ (r.sp * 0x9e3779b97f4a7c15ULL) ^ (r.bp << 17) ^ r.size);
  }
};
struct Remembered {
  std::vector<Read> reads;
  std::vector<std::uint64_t> pcs;
};

// Remembered unwinds, bounded: a hot loop's samples repeat a few stacks; a long, varied recording
// starts afresh now and then instead of growing.
constexpr std::size_t kMaxRemembered = 1U << 16;
constexpr std::size_t kMaxPerRegisters = 8;

// Whether `s` holds the words the remembered reads got. `s` has the registers and copy size the
// reads were made with (the memo's key), so each read is in its copy exactly when it was then:
// only the words need comparing.
bool same_reads(const sampling::Sample& s, const std::vector<Read>& reads) {
  return std::all_of(reads.begin(), reads.end(), [&s](const Read& r) {
    if (!r.ok) return true;
    std::uint64_t value = 0;
    std::memcpy(&value, s.stack.data() + (r.addr - s.sp), sizeof value);
    return value == r.value;
  });
}

}  // namespace

struct Unwinder::State {
  DwflHandle dwfl;
  Current current;
  bool attached = false;
  std::unordered_map<Registers, std::vector<Remembered>, RegistersHash> remembered;
  std::size_t remembered_count = 0;
  const std::vector<std::uint64_t> none{};  // what a sample that cannot be unwound gives
  // The slots of registers looked up lately, one per line, found by a multiply and a shift: a
  // profile's samples repeat a few registers thousands of times, and the map's lookup (a division
  // and a cache miss) cost more per sample than comparing the remembered reads. Slots stay where
  // they are until `remembered` is cleared, and then these are cleared too.
  struct Recent {
    Registers regs;
    std::vector<Remembered>* slot = nullptr;
  };
  static constexpr int kRecentBits = 6;
  std::array<Recent, std::size_t{1} << kRecentBits> recent{};

  std::vector<Remembered>& slot_of(const Registers& regs) {
    const auto line = ((regs.ip ^ regs.sp) * 0x9e3779b97f4a7c15ULL ^ regs.bp ^ regs.size) >> (64 - kRecentBits);
    auto& r = recent[line];
    if (r.slot != nullptr && r.regs == regs) return *r.slot;
    auto& slot = remembered[regs];
    r = Recent{regs, &slot};
    return slot;
  }
};

Unwinder::Unwinder(const std::vector<const sampling::Mapping*>& maps, Symbolizer& symbolizer)
    : state_(std::make_unique<State>()) {
  state_->dwfl.reset(dwfl_begin(unwind_callbacks()));
  if (!state_->dwfl) return;
  dwfl_report_begin(state_->dwfl.get());
  std::vector<std::string> seen;
  for (const auto* m : maps) {
    if (m->path.empty() || m->path[0] != '/' || std::find(seen.begin(), seen.end(), m->path) != seen.end()) continue;
    seen.push_back(m->path);
    // Runtime load bias: the mapping's address minus the file vaddr it maps.
    if (const auto vaddr = symbolizer.file_address(m->path, m->start, m->pgoff, m->start)) {
      (void)dwfl_report_elf(state_->dwfl.get(), m->path.c_str(), m->path.c_str(), -1, m->start - *vaddr, true);
    }
  }
  dwfl_report_end(state_->dwfl.get(), nullptr, nullptr);
  state_->attached = dwfl_attach_state(state_->dwfl.get(), nullptr, 1, &kCallbacks, &state_->current);
}

Unwinder::~Unwinder() = default;

const std::vector<std::uint64_t>& Unwinder::unwind(const sampling::Sample& sample) {
  if (!state_->attached || sample.stack.empty() || sample.sp == 0) return state_->none;
  const Registers regs{sample.ip, sample.sp, sample.bp, sample.stack.size()};
  auto* slot = &state_->slot_of(regs);
  for (const auto& c : *slot) {
    if (same_reads(sample, c.reads)) return c.pcs;
  }
  std::vector<std::uint64_t> pcs;
  std::vector<Read> reads;
  state_->current.sample = &sample;
  state_->current.reads = &reads;
  (void)dwfl_getthread_frames(state_->dwfl.get(), sample.tid, collect, &pcs);
  state_->current = Current{};
  if (state_->remembered_count >= kMaxRemembered) {
    state_->remembered.clear();
    state_->recent.fill({});
    state_->remembered_count = 0;
    slot = &state_->slot_of(regs);
  }
  if (slot->size() >= kMaxPerRegisters) slot->erase(slot->begin());
  slot->push_back(Remembered{std::move(reads), std::move(pcs)});
  ++state_->remembered_count;
  return slot->back().pcs;
}

bool splice_chains(const std::vector<std::uint64_t>& dwarf, const std::vector<std::uint64_t>& fp, bool prefer_dwarf,
                   std::vector<std::uint64_t>& out) {
  if (dwarf.size() < 2) {
    out.assign(fp.begin(), fp.end());
    return false;
  }
  for (std::size_t j = 1; j < fp.size(); ++j) {
    const auto it = std::find(dwarf.begin() + 1, dwarf.end(), fp[j]);
    if (it == dwarf.end()) continue;
    out.assign(dwarf.begin(), it);
    out.insert(out.end(), fp.begin() + static_cast<std::ptrdiff_t>(j), fp.end());
    // Both end with fp[j...]: they differ where the DWARF frames replaced fp's first j.
    return static_cast<std::size_t>(it - dwarf.begin()) != j || !std::equal(dwarf.begin(), it, fp.begin());
  }
  const auto& whole = prefer_dwarf || dwarf.size() >= fp.size() ? dwarf : fp;
  out.assign(whole.begin(), whole.end());
  return out != fp;
}

}  // namespace perfprobe::symbols
