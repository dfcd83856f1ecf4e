// Samples in the data file: one sample's encoding, and chunks of them compressed with zstd
// (docs/record.md, "The data file").
#pragma once

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "byte_io.hpp"
#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// A chunk is written once its encoded samples reach this size; a reader refuses chunks that
// claim more than kMaxChunkBytes once decompressed (one sample is at most ~100 KiB).
inline constexpr std::size_t kChunkBytes = 1 << 20;
inline constexpr std::size_t kMaxChunkBytes = 16 << 20;

void encode_sample(ByteWriter& w, const Sample& s);
// Reads one sample; false (and `in` bad) when the bytes run out.
bool decode_sample(ByteReader& in, Sample& s);

// Off-CPU records (docs/record.md): a switch, and a wait sample (its kind and state, then a sample).
void encode_switch(ByteWriter& w, const Switch& s);
bool decode_switch(ByteReader& in, Switch& s);
void encode_wait(ByteWriter& w, const WaitSample& s);
bool decode_wait(ByteReader& in, WaitSample& s);

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
