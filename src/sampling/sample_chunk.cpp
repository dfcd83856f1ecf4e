// Fixed-width fields, left for zstd to squeeze: call chains and stack words repeat from sample to
// sample, which a general compressor finds better than hand-made delta coding would.
#include "sample_chunk.hpp"

#include <algorithm>
#include <cstring>

#include "perfprobe/error.hpp"

namespace perfprobe::sampling {

namespace {
// Level 3 (zstd's default) compresses a 1 MiB chunk in a few ms on this class of machine; higher
// levels cost more CPU in the recording loop for a few percent.
constexpr int kLevel = 3;
}  // namespace

namespace {

// Everything of a sample but its stack copy, in every version.
void encode_head(ByteWriter& w, const Sample& s) {
  w.put<std::int64_t>(s.t_ns);
  w.put<std::int32_t>(s.pid);
  w.put<std::int32_t>(s.tid);
  w.put<std::uint32_t>(s.cpu);
  w.put<std::uint64_t>(s.period);
  w.put<std::uint16_t>(static_cast<std::uint16_t>(s.callchain.size()));
  for (const auto ip : s.callchain) w.put<std::uint64_t>(ip);
  for (const auto r : {s.bp, s.sp, s.ip}) w.put<std::uint64_t>(r);
}

bool decode_head(ByteReader& in, Sample& s) {
  s.t_ns = in.get<std::int64_t>();
  s.pid = in.get<std::int32_t>();
  s.tid = in.get<std::int32_t>();
  s.cpu = in.get<std::uint32_t>();
  s.period = in.get<std::uint64_t>();
  const auto depth = in.get<std::uint16_t>();
  s.callchain.clear();
  for (std::uint16_t k = 0; k < depth && !in.bad(); ++k) s.callchain.push_back(in.get<std::uint64_t>());
  for (auto* r : {&s.bp, &s.sp, &s.ip}) *r = in.get<std::uint64_t>();
  return !in.bad();
}

// How many bytes at the top of `b` equal those at the top of `a`.
std::size_t common_top(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  const std::uint8_t* const a_end = a.data() + a.size();
  const std::uint8_t* const b_end = b.data() + b.size();
  constexpr std::size_t kBlock = 64;  // whole blocks with memcmp first: stacks share kilobytes
  std::size_t k = 0;
  while (k + kBlock <= n && std::memcmp(a_end - k - kBlock, b_end - k - kBlock, kBlock) == 0) k += kBlock;
  while (k < n && a_end[-1 - static_cast<std::ptrdiff_t>(k)] == b_end[-1 - static_cast<std::ptrdiff_t>(k)]) ++k;
  return k;
}

}  // namespace

bool decode_sample(ByteReader& in, Sample& s) {
  decode_head(in, s);
  in.get_bytes_into(s.stack);
  return !in.bad();
}

void SampleEncoder::encode(ByteWriter& w, const Sample& s) {
  encode_head(w, s);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(s.stack.size()));
  if (s.stack.empty()) {  // no copy: the thread's last one stays the reference
    w.put<std::uint32_t>(0);
    return;
  }
  const std::uint64_t top = s.sp + s.stack.size();
  Last& last = last_[s.tid];
  const std::size_t shared = last.pid == s.pid && last.top == top ? common_top(last.stack, s.stack) : 0;
  w.put<std::uint32_t>(static_cast<std::uint32_t>(shared));
  w.bytes().append(reinterpret_cast<const char*>(s.stack.data()), s.stack.size() - shared);
  last.pid = s.pid;
  last.top = top;
  last.stack = s.stack;
}

void SampleDecoder::give_back() {
  if (lent_ != nullptr) lent_->stack.swap(sample_.stack);
  lent_ = nullptr;
}

void SampleDecoder::clear() {
  give_back();
  last_.clear();
  recent_ = nullptr;
}

SampleDecoder::Last& SampleDecoder::last_of(pid_t tid) {
  if (recent_ == nullptr || recent_tid_ != tid) {
    recent_ = &last_[tid];
    recent_tid_ = tid;
  }
  return *recent_;
}

bool SampleDecoder::decode(ByteReader& in) {
  give_back();
  Sample& s = sample_;
  if (!decode_head(in, s)) return false;
  const auto size = in.get<std::uint32_t>();
  const auto shared = in.get<std::uint32_t>();
  const auto fresh = in.get_span(size >= shared ? size - shared : 0);
  if (in.bad() || shared > size) return false;
  if (size == 0) {  // no copy: the thread's last one stays the reference
    s.stack.clear();
    return true;
  }
  const std::uint64_t top = s.sp + size;
  Last& last = last_of(s.tid);
  std::vector<std::uint8_t>& b = last.stack;
  const std::size_t old = b.size();
  if (shared > 0 && (last.pid != s.pid || last.top != top || shared > old)) return false;
  // The shared top moves to the end of the new copy (it stays put when sp did), then the fresh
  // bytes go below it.
  if (size > old) {
    b.resize(size);
    if (shared > 0) std::memmove(b.data() + (size - shared), b.data() + (old - shared), shared);
  } else if (size < old) {
    if (shared > 0) std::memmove(b.data() + (size - shared), b.data() + (old - shared), shared);
    b.resize(size);
  }
  if (!fresh.empty()) std::memcpy(b.data(), fresh.data(), fresh.size());
  last.pid = s.pid;
  last.top = top;
  b.swap(s.stack);
  lent_ = &last;
  return true;
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

void encode_wait(ByteWriter& w, const WaitSample& s, SampleEncoder& samples) {
  w.put<std::uint8_t>(static_cast<std::uint8_t>(s.kind));
  w.put<std::uint8_t>(static_cast<std::uint8_t>(s.state));
  samples.encode(w, s.sample);
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
