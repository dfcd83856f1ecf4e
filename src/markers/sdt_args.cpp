// SDT argument parsing and decoding (pure). Register numbers are perf's (arch/x86 perf_regs.h):
// AX 0, BX 1, CX 2, DX 3, SI 4, DI 5, BP 6, SP 7, IP 8, R8..R15 16..23.
#include "perfprobe/markers/sdt_args.hpp"

#include <bit>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace perfprobe::markers {

int perf_register(const std::string& n) {
  static const char* const kLegacy[][5] = {
      {"rax", "eax", "ax", "al", nullptr},      {"rbx", "ebx", "bx", "bl", nullptr},
      {"rcx", "ecx", "cx", "cl", nullptr},      {"rdx", "edx", "dx", "dl", nullptr},
      {"rsi", "esi", "si", "sil", nullptr},     {"rdi", "edi", "di", "dil", nullptr},
      {"rbp", "ebp", "bp", "bpl", nullptr},     {"rsp", "esp", "sp", "spl", nullptr},
      {"rip", "eip", nullptr, nullptr, nullptr}};
  for (int r = 0; r < 9; ++r) {
    for (int i = 0; i < 5 && kLegacy[r][i] != nullptr; ++i) {
      if (n == kLegacy[r][i]) return r;
    }
  }
  if (n.size() >= 2 && n[0] == 'r' && n[1] >= '0' && n[1] <= '9') {
    char* end = nullptr;
    const long k = std::strtol(n.c_str() + 1, &end, 10);
    const std::string suffix(end);
    if (k >= 8 && k <= 15 && (suffix.empty() || suffix == "d" || suffix == "w" || suffix == "b"))
      return static_cast<int>(16 + k - 8);
  }
  return -1;
}

namespace {

SdtArg parse_one(const std::string& token) {
  SdtArg a;
  const auto at = token.find('@');
  if (at == std::string::npos) return a;
  const long size = std::strtol(token.substr(0, at).c_str(), nullptr, 10);
  a.is_signed = size < 0;
  a.size = static_cast<int>(std::labs(size));
  if (a.size != 1 && a.size != 2 && a.size != 4 && a.size != 8) return SdtArg{};
  const std::string op = token.substr(at + 1);
  if (op.rfind('%', 0) == 0) {
    a.reg = perf_register(op.substr(1));
    a.kind = a.reg >= 0 ? SdtArg::Kind::reg : SdtArg::Kind::unsupported;
  } else if (op.rfind('$', 0) == 0) {
    char* end = nullptr;
    a.value = std::strtoll(op.c_str() + 1, &end, 0);
    a.kind = *end == 0 ? SdtArg::Kind::imm : SdtArg::Kind::unsupported;
  } else if (const auto lp = op.find("(%");
             lp != std::string::npos && op.back() == ')' && op.find(',') == std::string::npos) {
    const std::string disp = op.substr(0, lp);
    char* end = nullptr;
    a.value = disp.empty() ? 0 : std::strtoll(disp.c_str(), &end, 0);
    a.reg = perf_register(op.substr(lp + 2, op.size() - lp - 3));
    const bool disp_ok = disp.empty() || *end == 0;
    a.kind = disp_ok && a.reg >= 0 && a.reg != 8 ? SdtArg::Kind::mem
                                                 : SdtArg::Kind::unsupported;  // %rip-relative needs memory
  }
  return a;
}

std::int64_t truncate(std::uint64_t raw, int size, bool is_signed) {
  if (size == 8) return static_cast<std::int64_t>(raw);
  const unsigned bits = static_cast<unsigned>(size) * 8U;
  const std::uint64_t v = raw & ((1ULL << bits) - 1);
  if (is_signed && (v >> (bits - 1)) != 0) return static_cast<std::int64_t>(v | ~((1ULL << bits) - 1));
  return static_cast<std::int64_t>(v);
}

std::optional<std::uint64_t> reg_value(int reg, const std::vector<std::uint64_t>& regs) {
  if (reg < 0 || reg > 23) return std::nullopt;
  const auto index = static_cast<std::size_t>(std::popcount(kSdtRegsMask & ((1ULL << reg) - 1)));
  if (index >= regs.size()) return std::nullopt;
  return regs[index];
}

}  // namespace

std::vector<SdtArg> parse_sdt_args(const std::string& spec) {
  std::vector<SdtArg> out;
  std::istringstream in(spec);
  for (std::string token; in >> token;) out.push_back(parse_one(token));
  return out;
}

std::optional<std::int64_t> decode_sdt_arg(const SdtArg& a, const std::vector<std::uint64_t>& regs,
                                           const std::vector<char>& stack) {
  switch (a.kind) {
    case SdtArg::Kind::imm:
      return truncate(static_cast<std::uint64_t>(a.value), a.size, a.is_signed);
    case SdtArg::Kind::reg: {
      const auto v = reg_value(a.reg, regs);
      if (!v) return std::nullopt;
      return truncate(*v, a.size, a.is_signed);
    }
    case SdtArg::Kind::mem: {
      const auto base = reg_value(a.reg, regs);
      const auto sp = reg_value(7, regs);
      if (!base || !sp) return std::nullopt;
      const std::uint64_t addr = *base + static_cast<std::uint64_t>(a.value);
      if (addr < *sp || addr - *sp + static_cast<std::uint64_t>(a.size) > stack.size())
        return std::nullopt;  // not in the copy
      std::uint64_t raw = 0;
      std::memcpy(&raw, stack.data() + (addr - *sp), static_cast<std::size_t>(a.size));
      return truncate(raw, a.size, a.is_signed);
    }
    case SdtArg::Kind::unsupported:
      break;
  }
  return std::nullopt;
}

}  // namespace perfprobe::markers
