// The zstd frames of sample chunks: a frame decodes only to the size the chunk's header states, and
// a frame that states another size is refused before any buffer of the claimed size is made.
#include <gtest/gtest.h>
#include <zstd.h>

#include "sampling/sample_chunk.hpp"

namespace perfprobe::sampling {
namespace {

TEST(SampleChunk, FrameDecodesToTheStatedSize) {
  const std::string raw(100'000, 'x');
  ChunkCompressor c;
  const std::string frame = c.compress(raw);
  std::string out;
  ASSERT_TRUE(decompress_chunk(frame, raw.size(), out));
  EXPECT_EQ(out, raw);
  EXPECT_FALSE(decompress_chunk(frame, raw.size() + 1, out));
  EXPECT_FALSE(decompress_chunk(frame, raw.size() - 1, out));
}

TEST(SampleChunk, AClaimedSizeTheFrameDoesNotStateIsRefusedWithoutAllocatingIt) {
  const std::string raw(1000, 'y');
  ChunkCompressor c;
  const std::string frame = c.compress(raw);
  std::string out;
  // 16 MiB claimed by the chunk header, 1000 bytes stated by the frame: refused, nothing filled.
  EXPECT_FALSE(decompress_chunk(frame, std::size_t{16} << 20, out));
  EXPECT_LT(out.capacity(), std::size_t{1} << 20);
  // A frame without its size (the streaming form) is not what the writer makes: refused.
  std::string unsized(ZSTD_compressBound(raw.size()), '\0');
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ASSERT_NE(ctx, nullptr);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, 0);
  const std::size_t n = ZSTD_compress2(ctx, unsized.data(), unsized.size(), raw.data(), raw.size());
  ZSTD_freeCCtx(ctx);
  ASSERT_EQ(ZSTD_isError(n), 0U);
  unsized.resize(n);
  EXPECT_FALSE(decompress_chunk(unsized, raw.size(), out));
  // Not a frame at all.
  EXPECT_FALSE(decompress_chunk("garbage", raw.size(), out));
}

}  // namespace
}  // namespace perfprobe::sampling
