// A symbolized profile: what `report` analyses and renders. Plain data made by symbols/ from a
// sampling::Profile; report/ reads it without knowing about perf records or DWARF.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace perfprobe {

// One frame of a call stack after symbolization (an inlined call is a frame of its own).
struct FrameInfo {
  std::string function;  // demangled; "[unknown]" or "module+0xoffset" when no symbol covers it
  std::string file;      // source file, empty without line info
  int line = 0;
  std::string module;         // path of the ELF file
  std::uint64_t address = 0;  // in the module's own address space (what addr2line takes)
  bool inlined = false;       // this frame was inlined into the next one
};

struct ResolvedSample {
  std::int64_t t_ns = 0;  // since the run's time zero
  pid_t pid = 0;
  pid_t tid = 0;
  std::vector<std::uint32_t> stack;  // indices into ResolvedProfile::frames, leaf first
};

struct ModuleSummary {
  std::string path;
  std::string build_id;
  bool has_symbols = false;
  bool has_debuginfo = false;      // DWARF line info, in the file or separate
  std::string debug_file;          // separate debug info used, e.g. under /usr/lib/debug
  bool build_id_mismatch = false;  // the file on disk is not the one that was recorded
  std::uint64_t samples = 0;       // samples whose leaf is in this module
};

struct ResolvedProfile {
  std::string event;
  std::uint64_t frequency_hz = 0;
  std::uint64_t period = 0;
  std::string call_graph;  // "fp" or "dwarf"
  std::uint64_t lost_samples = 0;
  std::uint64_t lost_records = 0;
  std::uint64_t throttled = 0;
  std::uint64_t dwarf_unwound = 0;  // samples whose stack was (partly) unwound with DWARF CFI
  std::uint64_t truncated = 0;      // samples whose chain stops before a thread's or process's root
  std::vector<FrameInfo> frames;
  std::vector<ResolvedSample> samples;
  std::map<pid_t, std::string> thread_names;  // tid -> comm
  std::vector<ModuleSummary> modules;
};

}  // namespace perfprobe
