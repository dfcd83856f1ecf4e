// Little-endian fixed-width writer and the one bounds-checked reader of sampling/: the data file's
// fields and the kernel's PERF_RECORD_* records are both read through ByteReader.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace perfprobe::sampling {

class ByteWriter {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T>
  void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // x86_64 and aarch64 are little-endian, as the format says
    out_.append(b, sizeof(T));
  }
  void put_string(std::string_view s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void put_bytes(const std::vector<std::uint8_t>& v) {
    put<std::uint32_t>(static_cast<std::uint32_t>(v.size()));
    out_.append(reinterpret_cast<const char*>(v.data()), v.size());
  }
  void put_strings(const std::vector<std::string>& v) {
    put<std::uint32_t>(static_cast<std::uint32_t>(v.size()));
    for (const auto& s : v) put_string(s);
  }
  [[nodiscard]] std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads fixed-size fields in order (what ByteWriter wrote, or a kernel record); any read past the end
// sets `bad` and yields zeros, and every read after it fails too.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  explicit ByteReader(std::span<const std::uint8_t> in) : in_(reinterpret_cast<const char*>(in.data()), in.size()) {}
  template <typename T>
  requires std::is_arithmetic_v<T> T get() {
    T v{};
    if (!need(sizeof(T))) return v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint32_t>();
    if (!need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // u32 length + bytes into `out`, reusing its memory (one buffer serves every sample of a file).
  void get_bytes_into(std::vector<std::uint8_t>& out) {
    const auto n = get<std::uint32_t>();
    if (!need(n)) {
      out.clear();
      return;
    }
    out.assign(in_.begin() + static_cast<std::ptrdiff_t>(pos_), in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
  }
  std::vector<std::string> get_strings() {
    std::vector<std::string> v;
    const auto n = count(4);
    for (std::uint32_t i = 0; i < n && !bad_; ++i) v.push_back(get_string());
    return v;
  }
  // An element count, refused when the remaining bytes cannot hold that many elements.
  std::uint32_t count(std::size_t min_element_bytes) {
    const auto n = get<std::uint32_t>();
    if (static_cast<std::uint64_t>(n) * min_element_bytes > in_.size() - pos_) {
      bad_ = true;
      return 0;
    }
    return n;
  }
  // The next n bytes, without copying them.
  std::span<const std::uint8_t> get_span(std::size_t n) {
    if (!need(n)) return {};
    const std::span<const std::uint8_t> v(reinterpret_cast<const std::uint8_t*>(in_.data() + pos_), n);
    pos_ += n;
    return v;
  }
  // A NUL-terminated string padded with NULs up to the last `trailer` bytes, which are left unread
  // (perf's MMAP2 filename and COMM comm, followed by the sample_id trailer). An empty string that
  // fills the space is malformed.
  std::string get_padded_cstring(std::size_t trailer) {
    const std::size_t end = in_.size() >= trailer ? in_.size() - trailer : 0;
    if (bad_ || pos_ > end) {
      bad_ = true;
      return {};
    }
    std::string s;
    while (pos_ < end && in_[pos_] != 0) s.push_back(in_[pos_++]);
    if (pos_ >= end && s.empty()) bad_ = true;
    pos_ = end;
    return s;
  }
  void skip(std::size_t n) {
    if (need(n)) pos_ += n;
  }
  [[nodiscard]] bool bad() const { return bad_; }
  [[nodiscard]] bool at_end() const { return pos_ >= in_.size(); }
  [[nodiscard]] std::size_t pos() const { return pos_; }

 private:
  bool need(std::size_t n) {
    if (bad_ || n > in_.size() - pos_) {
      bad_ = true;
      return false;
    }
    return true;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool bad_ = false;
};

}  // namespace perfprobe::sampling
