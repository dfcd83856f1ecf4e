// Samples in the data file: one sample's encoding, and chunks of them compressed with zstd
// (docs/record.md, "The data file").
#pragma once

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "byte_io.hpp"
#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// A chunk is written once its encoded samples reach this size; a reader refuses chunks that
// claim more than kMaxChunkBytes once decompressed (one sample is at most ~100 KiB).
inline constexpr std::size_t kChunkBytes = 1 << 20;
inline constexpr std::size_t kMaxChunkBytes = 16 << 20;

// One sample as versions 1 and 2 wrote it (the whole stack copy: u32 length + bytes; only read
// now). False (and `in` bad) when the bytes run out.
bool decode_sample(ByteReader& in, Sample& s);

// Version 3 (docs/record.md): a thread's samples in one chunk mostly share the top of their stack
// copies (the frames above the sampled function; argv, the environment and the auxiliary vector
// above main), so a sample stores only the bytes below what its thread's previous sample in the
// chunk held at the same addresses. Both sides keep each thread's last copy until the chunk ends
// (clear()), so a chunk decodes on its own and the state never outgrows one chunk.
class SampleEncoder {
 public:
  void encode(ByteWriter& w, const Sample& s);
  void clear() { last_.clear(); }

 private:
  struct Last {
    pid_t pid = 0;
    std::uint64_t top = 0;  // sp + size: the address just above the copy
    std::vector<std::uint8_t> stack;
  };
  std::unordered_map<pid_t, Last> last_;  // by tid
};

// Decodes the samples of one version-3 chunk in order. The stack copy a decoded sample holds is the
// thread's own buffer, lent until the next decode() or clear(): only the bytes a sample stores are
// copied, not the whole copy again (what a second report of a hot loop spends its time on).
class SampleDecoder {
 public:
  // False (and `in` bad or the sample refused) on a malformed sample: one that claims shared bytes
  // its thread's previous sample in the chunk did not have at those addresses.
  bool decode(ByteReader& in);
  [[nodiscard]] const Sample& sample() const noexcept { return sample_; }
  void clear();

 private:
  struct Last {
    pid_t pid = 0;
    std::uint64_t top = 0;
    std::vector<std::uint8_t> stack;  // empty while lent to sample_
  };
  void give_back();
  Last& last_of(pid_t tid);
  Sample sample_;
  std::unordered_map<pid_t, Last> last_;  // by tid
  Last* lent_ = nullptr;                  // whose stack sample_ holds
  // The thread of the last lookup and its entry (entries stay put until clear()): a chunk's
  // samples come mostly from one thread in a row, and the map's lookup is a division each.
  pid_t recent_tid_ = 0;
  Last* recent_ = nullptr;
};

// Off-CPU records (docs/record.md): a switch, and a wait sample (its kind and state, then a sample).
void encode_switch(ByteWriter& w, const Switch& s);
bool decode_switch(ByteReader& in, Switch& s);
// Kind and state, then the sample through the chunk's encoder.
void encode_wait(ByteWriter& w, const WaitSample& s, SampleEncoder& samples);

// One compression context reused for every chunk of a file.
class ChunkCompressor {
 public:
  ChunkCompressor();
  // A complete zstd frame holding `raw`.
  [[nodiscard]] std::string compress(std::string_view raw);

 private:
  struct Free {
    void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
  };
  std::unique_ptr<ZSTD_CCtx, Free> ctx_;
};

// The bytes of a zstd frame that must decompress to exactly `raw_size` bytes; empty optional-
// like: false when it does not.
[[nodiscard]] bool decompress_chunk(std::string_view frame, std::size_t raw_size, std::string& out);

}  // namespace perfprobe::sampling
