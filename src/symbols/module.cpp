// libdwfl lookups for one module: symbol table, line table, and the DWARF scopes of inlined calls.
#include "module.hpp"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "perfprobe/error.hpp"
#include "perfprobe/symbols/symbolizer.hpp"
#include "perfprobe/sys/input_file.hpp"
#include "perfprobe/sys/private_file.hpp"

namespace perfprobe::symbols {

namespace {

std::string die_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (const auto at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    if (dwarf_attr_integrate(die, static_cast<unsigned>(at), &attr) != nullptr) {
      if (const char* s = dwarf_formstring(&attr)) return demangle(s);
    }
  }
  if (dwarf_attr_integrate(die, DW_AT_name, &attr) != nullptr) {
    if (const char* s = dwarf_formstring(&attr)) return s;
  }
  return {};
}

// A relative source path (compilers write them relative to the build directory) joined with
// the compile unit's DW_AT_comp_dir, as addr2line prints it.
std::string with_comp_dir(Dwarf_Die* cudie, std::string file) {
  if (file.empty() || file[0] == '/' || cudie == nullptr) return file;
  Dwarf_Attribute attr;
  const char* dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &attr));
  return dir == nullptr || *dir == 0 ? file : std::string(dir) + "/" + file;
}

// Where an inlined call was made: its DW_AT_call_file / DW_AT_call_line.
void call_site(Dwarf_Die* inlined, Dwarf_Die* cudie, std::string& file, int& line) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  file.clear();
  line = 0;
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attr), &value) == 0) line = static_cast<int>(value);
  Dwarf_Files* files = nullptr;
  size_t nfiles = 0;
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attr), &value) == 0 &&
      dwarf_getsrcfiles(cudie, &files, &nfiles) == 0 && value < nfiles) {
    if (const char* f = dwarf_filesrc(files, value, nullptr, nullptr)) file = with_comp_dir(cudie, f);
  }
}

// The innermost function at `addr` and, when it was inlined, each caller it was inlined into.
// dwarf_getscopes lists the abstract origin's scopes after an inlined instance, so the concrete
// callers come from dwarf_getscopes_die on that instance (as eu-addr2line -i does).
void inline_chain(Dwarf_Die* cudie, Dwarf_Addr addr, const FrameInfo& leaf, std::vector<FrameInfo>& out) {
  Dwarf_Die* scopes = nullptr;
  const int n = dwarf_getscopes(cudie, addr, &scopes);
  int innermost = -1;
  for (int i = 0; i < n && innermost < 0; ++i) {
    const int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram) innermost = i;
  }
  Dwarf_Die* chain = nullptr;
  const int m = innermost < 0 ? 0 : dwarf_getscopes_die(&scopes[innermost], &chain);
  FrameInfo cur = leaf;
  for (int i = 0; i < m; ++i) {
    const int tag = dwarf_tag(&chain[i]);
    if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
    cur.function = die_name(&chain[i]);
    cur.inlined = tag == DW_TAG_inlined_subroutine;
    out.push_back(cur);
    if (!cur.inlined) break;
    call_site(&chain[i], cudie, cur.file, cur.line);  // the caller's position
  }
  std::free(chain);
  std::free(scopes);
}

std::string hex(const unsigned char* bytes, int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) {
    s.push_back(kDigits[bytes[i] >> 4]);
    s.push_back(kDigits[bytes[i] & 15]);
  }
  return s;
}

}  // namespace

namespace {

bool same_build_id(Elf* a, Elf* b) {
  const void* id_a = nullptr;
  const void* id_b = nullptr;
  const ssize_t na = dwelf_elf_gnu_build_id(a, &id_a);
  const ssize_t nb = dwelf_elf_gnu_build_id(b, &id_b);
  if (na <= 0 || nb <= 0) return na <= 0;  // a file without a build-id cannot be checked: accept
  return na == nb && std::memcmp(id_a, id_b, static_cast<std::size_t>(na)) == 0;
}

// The debuglink candidates gdb and libdwfl try: next to the file, in .debug/, under /usr/lib/debug.
std::vector<std::string> debuglink_candidates(const std::string& path, const char* debuglink) {
  if (debuglink == nullptr) return {};
  const std::string dir = path.substr(0, path.rfind('/') + 1);
  std::vector<std::string> out;
  for (std::string candidate : {dir + debuglink, dir + ".debug/" + debuglink, "/usr/lib/debug" + dir + debuglink}) {
    if (candidate != path) out.push_back(std::move(candidate));
  }
  return out;
}

// Where libdwfl's build-id search (the default debuginfo path) looks for a separate debug file.
std::string build_id_debug_path(const std::string& build_id) {
  if (build_id.size() < 3) return {};
  return "/usr/lib/debug/.build-id/" + build_id.substr(0, 2) + "/" + build_id.substr(2) + ".debug";
}

int open_debuglink(Dwfl_Module* mod, const char* file_name, const char* debuglink, char** debuginfo_file_name) {
  if (file_name == nullptr || debuglink == nullptr) return -1;
  GElf_Addr bias = 0;
  Elf* main_elf = dwfl_module_getelf(mod, &bias);
  for (const std::string& candidate : debuglink_candidates(file_name, debuglink)) {
    const int fd = ::open(candidate.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    Elf* debug_elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
    const bool ok = debug_elf != nullptr && main_elf != nullptr && same_build_id(main_elf, debug_elf);
    elf_end(debug_elf);
    if (ok) {
      *debuginfo_file_name = ::strdup(candidate.c_str());
      return fd;
    }
    ::close(fd);
  }
  return -1;
}

// Local debug info only, unless the user opted into debuginfod with DEBUGINFOD_URLS: libdwfl's
// standard search dlopens libdebuginfod (and with it curl, TLS and friends, ~8 ms) at the first
// module without local debug info, whether or not a server is configured.
int find_debuginfo(Dwfl_Module* mod, void** userdata, const char* modname, Dwarf_Addr base, const char* file_name,
                   const char* debuglink_file, GElf_Word debuglink_crc, char** debuginfo_file_name) {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  if (urls != nullptr && *urls != '\0') {
    return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
                                        debuginfo_file_name);
  }
  const int fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
                                              debuginfo_file_name);
  return fd >= 0 ? fd : open_debuglink(mod, file_name, debuglink_file, debuginfo_file_name);
}

bool has_section(Elf* elf, const char* name) {
  std::size_t shstrndx = 0;
  if (elf == nullptr || elf_getshdrstrndx(elf, &shstrndx) != 0) return false;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) == nullptr) continue;
    const char* n = elf_strptr(elf, shstrndx, shdr.sh_name);
    if (n != nullptr && std::strcmp(n, name) == 0) return true;
  }
  return false;
}

bool file_has_cfi(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  const bool cfi = has_section(elf, ".debug_frame") || has_section(elf, ".zdebug_frame");
  elf_end(elf);
  ::close(fd);
  return cfi;
}

// The search of find_debuginfo only when a file it could find holds .debug_frame. It must decide
// before libdwfl's build-id search runs: that one hands the file it opens to the module directly.
int find_debuginfo_for_cfi(Dwfl_Module* mod, void** userdata, const char* modname, Dwarf_Addr base,
                           const char* file_name, const char* debuglink_file, GElf_Word debuglink_crc,
                           char** debuginfo_file_name) {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  bool any = urls != nullptr && *urls != '\0';  // a server's file cannot be checked beforehand
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int n = dwfl_module_build_id(mod, &bits, &vaddr);
  if (!any && n > 0) any = file_has_cfi(build_id_debug_path(hex(bits, n)));
  if (!any && file_name != nullptr) {
    for (const auto& c : debuglink_candidates(file_name, debuglink_file)) any = any || file_has_cfi(c);
  }
  if (!any) return -1;
  return find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc, debuginfo_file_name);
}

// libdw opens a file's DWARF when it has any of these (its valid_p).
bool has_dwarf(Elf* elf) {
  for (const char* name :
       {".debug_info", ".debug_line", ".debug_frame", ".zdebug_info", ".zdebug_line", ".zdebug_frame"}) {
    if (has_section(elf, name)) return true;
  }
  return false;
}

bool debuginfod_enabled() {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  return urls != nullptr && *urls != '\0';
}

}  // namespace

const Dwfl_Callbacks* unwind_callbacks() {
  static char* const debuginfo_path = nullptr;
  static const Dwfl_Callbacks callbacks = {dwfl_build_id_find_elf, find_debuginfo_for_cfi, dwfl_offline_section_address,
                                           const_cast<char**>(&debuginfo_path)};
  return &callbacks;
}

const Dwfl_Callbacks* offline_callbacks() {
  // debuginfo_path == nullptr: libdwfl's default ":.debug:/usr/lib/debug" for the build-id lookup.
  static char* const debuginfo_path = nullptr;
  static const Dwfl_Callbacks callbacks = {dwfl_build_id_find_elf, find_debuginfo, dwfl_offline_section_address,
                                           const_cast<char**>(&debuginfo_path)};
  return &callbacks;
}

Module::Module(const std::string& path) : path_(path), dwfl_(dwfl_begin(offline_callbacks())) {
  if (!dwfl_) return;
  // Base 0 with add_p_vaddr: the module's addresses are the file's own vaddrs (bias 0).
  // The path comes from a data file someone else may have made: a FIFO or device there must not hang us.
  sys::Fd fd;
  try {
    fd = sys::open_input(path, "mapped file");
  } catch (const Error&) {
    return;
  }
  mod_ = dwfl_report_elf(dwfl_.get(), path.c_str(), path.c_str(), fd.get(), 0, true);
  dwfl_report_end(dwfl_.get(), nullptr, nullptr);
  if (mod_ == nullptr) return;
  (void)fd.release();  // the module owns it now
  GElf_Addr bias = 0;
  Elf* elf = dwfl_module_getelf(mod_, &bias);
  size_t phnum = 0;
  if (elf == nullptr || elf_getphdrnum(elf, &phnum) != 0) return;
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf, static_cast<int>(i), &ph) != nullptr && ph.p_type == PT_LOAD) {
      loads_.push_back({ph.p_vaddr, ph.p_offset, ph.p_filesz});
    }
  }
}

std::optional<std::uint64_t> Module::file_address(std::uint64_t map_start, std::uint64_t pgoff,
                                                  std::uint64_t addr) const {
  if (!ok()) return std::nullopt;
  const std::uint64_t offset = addr - map_start + pgoff;  // file offset of the address
  for (const auto& l : loads_) {
    if (offset >= l.offset && offset < l.offset + l.filesz) return offset - l.offset + l.vaddr;
  }
  return std::nullopt;
}

bool Module::cu_at(Dwarf_Addr a, Dwarf_Die& cu, Dwarf_Addr& bias) const {
  if (Dwarf_Die* found = dwfl_module_addrdie(mod_, a, &bias)) {
    cu = *found;
    return true;
  }
  Dwarf* dw = dwfl_module_getdwarf(mod_, &bias);
  if (dw == nullptr) return false;
  if (!cu_ranges_) {
    cu_ranges_.emplace();
    Dwarf_Off offset = 0;
    Dwarf_Off next = 0;
    std::size_t header = 0;
    while (dwarf_nextcu(dw, offset, &next, &header, nullptr, nullptr, nullptr) == 0) {
      Dwarf_Die die;
      if (dwarf_offdie(dw, offset + header, &die) != nullptr) {
        Dwarf_Addr base = 0, low = 0, high = 0;
        for (ptrdiff_t r = dwarf_ranges(&die, 0, &base, &low, &high); r > 0;
             r = dwarf_ranges(&die, r, &base, &low, &high)) {
          cu_ranges_->push_back({low, high, offset + header});
        }
      }
      offset = next;
    }
  }
  const Dwarf_Addr da = a - bias;
  for (const auto& r : *cu_ranges_) {
    if (da >= r.low && da < r.high && dwarf_offdie(dw, r.cu_offset, &cu) != nullptr) return true;
  }
  return false;
}

std::vector<FrameInfo> Module::frames(std::uint64_t a) const {
  std::vector<FrameInfo> out;
  if (!ok()) return out;
  FrameInfo leaf;
  leaf.module = path_;
  leaf.address = a;
  Dwarf_Die cudie;
  Dwarf_Addr bias = 0;
  LazyDwarf* lazy = lazy_dwarf();
  const bool have_cu = lazy != nullptr ? lazy->cu_at(a, cudie) : cu_at(a, cudie, bias);
  Dwfl_Line* line = lazy != nullptr ? nullptr : dwfl_module_getsrc(mod_, a);
  if (line != nullptr) {
    int lineno = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) leaf.file = file;
    leaf.line = lineno;
  } else if (have_cu) {
    // No aranges: ask the CU's own line table.
    if (Dwarf_Line* cu_line = dwarf_getsrc_die(&cudie, a - bias)) {
      if (const char* file = dwarf_linesrc(cu_line, nullptr, nullptr)) leaf.file = file;
      int lineno = 0;
      if (dwarf_lineno(cu_line, &lineno) == 0) leaf.line = lineno;
    }
  }
  if (have_cu) leaf.file = with_comp_dir(&cudie, leaf.file);
  if (have_cu) inline_chain(&cudie, a - bias, leaf, out);
  if (out.empty() || out.back().inlined) out.push_back(leaf);
  if (auto name = symbol_name(a)) {
    if (!name->empty()) out.back().function = std::move(*name);
  } else if (out.back().function.empty()) {
    // No symbol covers it (a stripped library's static functions, PLT stubs): one bucket per
    // module, like perf's "[unknown]", so such samples add up instead of scattering by address.
    const auto slash = path_.rfind('/');
    out.back().function = "[" + (slash == std::string::npos ? path_ : path_.substr(slash + 1)) + "]";
  }
  return out;
}

// The symbol table names the outermost function best (C++ qualification, no DWARF at all).
std::optional<std::string> Module::symbol_name(std::uint64_t a) const {
  GElf_Off offset = 0;
  GElf_Sym sym;
  const char* symname = dwfl_module_addrinfo(mod_, a, &offset, &sym, nullptr, nullptr, nullptr);
  if (symname == nullptr) return std::nullopt;
  std::string name = demangle(symname);
  return name.substr(0, name.find('@'));  // versioned symbols: __libc_start_main@@GLIBC_2.34
}

std::vector<FrameInfo> Module::function_at(std::uint64_t a) const {
  if (!ok()) return {};
  auto name = symbol_name(a);
  // Without a usable symbol the name comes from the DWARF (or is the module's bucket): frames() decides.
  if (!name || name->empty()) return frames(a);
  FrameInfo f;
  f.function = std::move(*name);
  f.module = path_;
  f.address = a;
  return {std::move(f)};
}

std::string Module::build_id() const {
  if (!ok()) return {};
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int n = dwfl_module_build_id(mod_, &bits, &vaddr);
  return n > 0 ? hex(bits, n) : std::string();
}

std::string Module::cache_fingerprint() const {
  std::string out = path_ + "|" + sys::file_identity(path_);
  std::vector<std::string> candidates{build_id_debug_path(build_id())};
  GElf_Addr bias = 0;
  GElf_Word crc = 0;
  if (Elf* elf = dwfl_module_getelf(mod_, &bias)) {
    for (auto& c : debuglink_candidates(path_, dwelf_elf_gnu_debuglink(elf, &crc))) candidates.push_back(std::move(c));
  }
  for (const auto& c : candidates) {
    if (!c.empty()) out += "|" + c + "=" + sys::file_identity(c);
  }
  // A configured debuginfod server may supply debug info that the local files lack.
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  if (urls != nullptr && *urls != '\0') out += std::string("|debuginfod=") + urls;
  return out + "|perfprobe " PERFPROBE_VERSION;
}

Module::DwarfFile Module::dwarf_file() const {
  DwarfFile out;
  GElf_Addr bias = 0;
  Elf* elf = ok() ? dwfl_module_getelf(mod_, &bias) : nullptr;
  if (elf == nullptr) return out;
  if (has_dwarf(elf)) return {path_, false, true};
  // The search of find_debuginfo: by build-id, then the debuglink candidates; each must carry the
  // module's build-id.
  std::vector<std::string> candidates{build_id_debug_path(build_id())};
  GElf_Word crc = 0;
  for (auto& c : debuglink_candidates(path_, dwelf_elf_gnu_debuglink(elf, &crc))) candidates.push_back(std::move(c));
  for (const auto& c : candidates) {
    if (c.empty()) continue;
    sys::Fd fd;
    try {
      fd = sys::open_input(c, "debug file");
    } catch (const Error&) {
      continue;
    }
    Elf* debug_elf = elf_begin(fd.get(), ELF_C_READ_MMAP, nullptr);
    const bool same = debug_elf != nullptr && elf_kind(debug_elf) == ELF_K_ELF && same_build_id(elf, debug_elf);
    if (same) out = {c, true, has_dwarf(debug_elf)};
    elf_end(debug_elf);
    if (same) return out;
  }
  return out;
}

LazyDwarf* Module::lazy_dwarf() const {
  if (!lazy_tried_) {
    lazy_tried_ = true;
    if (!debuginfod_enabled()) {
      const DwarfFile found = dwarf_file();
      if (found.has_dwarf) lazy_ = LazyDwarf::open(found.path);
    }
  }
  return lazy_.get();
}

ModuleSummary Module::describe() const {
  ModuleSummary m;
  m.path = path_;
  if (!ok()) return m;
  m.build_id = build_id();
  m.has_symbols = dwfl_module_getsymtab(mod_) > 0;
  // From the files' section headers: opening the DWARF would inflate all of it when compressed,
  // for a module list that may name modules with no sample at all.
  DwarfFile found;
  if (debuginfod_enabled()) {
    Dwarf_Addr bias = 0;
    m.has_debuginfo = dwfl_module_getdwarf(mod_, &bias) != nullptr;
  } else {
    found = dwarf_file();
    m.has_debuginfo = found.has_dwarf;
  }
  const char* mainfile = nullptr;
  const char* debugfile = nullptr;
  dwfl_module_info(mod_, nullptr, nullptr, nullptr, nullptr, nullptr, &mainfile, &debugfile);
  if (debugfile != nullptr && (mainfile == nullptr || std::string(debugfile) != mainfile)) {
    m.debug_file = debugfile;
  } else if (found.separate) {
    m.debug_file = found.path;
  }
  return m;
}

}  // namespace perfprobe::symbols
