// Fixed-width fields, left for zstd to squeeze: call chains and stack words repeat from sample to
// sample, which a general compressor finds better than hand-made delta coding would.
#include "sample_chunk.hpp"

#include <algorithm>

#include "perfprobe/error.hpp"

namespace perfprobe::sampling {

namespace {
// Level 3 (zstd's default) compresses a 1 MiB chunk in a few ms on this class of machine; higher
// levels cost more CPU in the recording loop for a few percent.
constexpr int kLevel = 3;
}  // namespace

void encode_sample(ByteWriter& w, const Sample& s) {
  w.put<std::int64_t>(s.t_ns);
  w.put<std::int32_t>(s.pid);
  w.put<std::int32_t>(s.tid);
  w.put<std::uint32_t>(s.cpu);
  w.put<std::uint64_t>(s.period);
  w.put<std::uint16_t>(static_cast<std::uint16_t>(s.callchain.size()));
  for (const auto ip : s.callchain) w.put<std::uint64_t>(ip);
  for (const auto r : {s.bp, s.sp, s.ip}) w.put<std::uint64_t>(r);
  w.put_bytes(s.stack);
}

bool decode_sample(ByteReader& in, Sample& s) {
  s.t_ns = in.get<std::int64_t>();
  s.pid = in.get<std::int32_t>();
  s.tid = in.get<std::int32_t>();
  s.cpu = in.get<std::uint32_t>();
  s.period = in.get<std::uint64_t>();
  const auto depth = in.get<std::uint16_t>();
  s.callchain.clear();
  for (std::uint16_t k = 0; k < depth && !in.bad(); ++k) s.callchain.push_back(in.get<std::uint64_t>());
  for (auto* r : {&s.bp, &s.sp, &s.ip}) *r = in.get<std::uint64_t>();
  in.get_bytes_into(s.stack);
  return !in.bad();
}

void encode_switch(ByteWriter& w, const Switch& s) {
  w.put<std::int64_t>(s.t_ns);
  w.put<std::int32_t>(s.pid);
  w.put<std::int32_t>(s.tid);
  w.put<std::uint8_t>(static_cast<std::uint8_t>((s.out ? 1U : 0U) | (s.preempted ? 2U : 0U)));
}

bool decode_switch(ByteReader& in, Switch& s) {
  s.t_ns = in.get<std::int64_t>();
  s.pid = in.get<std::int32_t>();
  s.tid = in.get<std::int32_t>();
  const auto flags = in.get<std::uint8_t>();
  s.out = (flags & 1U) != 0;
  s.preempted = (flags & 2U) != 0;
  return !in.bad();
}

void encode_wait(ByteWriter& w, const WaitSample& s) {
  w.put<std::uint8_t>(static_cast<std::uint8_t>(s.kind));
  w.put<std::uint8_t>(static_cast<std::uint8_t>(s.state));
  encode_sample(w, s.sample);
}

bool decode_wait(ByteReader& in, WaitSample& s) {
  s.kind = static_cast<WaitSample::Kind>(std::min<std::uint8_t>(in.get<std::uint8_t>(), 1));
  s.state = static_cast<WaitState>(std::min<std::uint8_t>(in.get<std::uint8_t>(), 4));
  return decode_sample(in, s.sample);
}

ChunkCompressor::ChunkCompressor() : ctx_(ZSTD_createCCtx()) {
  if (!ctx_) throw Error("cannot start zstd compression (out of memory)");
}

std::string ChunkCompressor::compress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t n = ZSTD_compressCCtx(ctx_.get(), out.data(), out.size(), raw.data(), raw.size(), kLevel);
  if (ZSTD_isError(n) != 0) throw Error(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

bool decompress_chunk(std::string_view frame, std::size_t raw_size, std::string& out) {
  if (raw_size > kMaxChunkBytes) return false;
  // The writer's frames state their size: a frame that says otherwise (or nothing) is refused before
  // the buffer is made, so a crafted file cannot make every chunk cost its claimed 16 MiB.
  const unsigned long long stated = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (stated != raw_size) return false;
  // resize, not assign: a buffer reused from chunk to chunk is not zeroed again (zstd fills it all).
  out.resize(raw_size);
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  return ZSTD_isError(n) == 0 && n == raw_size;
}

}  // namespace perfprobe::sampling
