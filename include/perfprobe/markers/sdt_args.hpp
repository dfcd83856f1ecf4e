// SDT argument specs (x86-64): "-4@%edi", "8@$42", "8@-16(%rbp)", "4@(%rax)". Parsed once, then
// decoded from each hit's user registers (and a copy of the user stack for memory operands).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfprobe::markers {

struct SdtArg {
  enum class Kind { reg, imm, mem, unsupported } kind = Kind::unsupported;
  int size = 8;  // bytes
  bool is_signed = false;
  int reg = -1;            // perf register number (PERF_REG_X86_*)
  std::int64_t value = 0;  // immediate, or displacement for mem
};

// One entry per argument; anything this decoder cannot read is Kind::unsupported (pure).
[[nodiscard]] std::vector<SdtArg> parse_sdt_args(const std::string& spec);

// The perf register number of an x86-64 register name without '%' (eax, r8d, sil...), -1 if unknown.
[[nodiscard]] int perf_register(const std::string& name);

// The sample_regs_user mask perfprobe asks for: AX..IP and R8..R15.
inline constexpr std::uint64_t kSdtRegsMask = 0xff01ffULL;

// Decodes one argument. `regs` are the sampled registers in mask order; `stack` is the copied user
// stack starting at the sampled SP. Empty when the value cannot be read.
[[nodiscard]] std::optional<std::int64_t> decode_sdt_arg(const SdtArg& arg, const std::vector<std::uint64_t>& regs,
                                                         const std::vector<char>& stack);

}  // namespace perfprobe::markers
