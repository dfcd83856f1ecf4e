// A file written over time (a recording streamed as it is made) that appears under its real name
// only when complete: the bytes go to a fresh temporary in the destination's directory, which
// commit() fsyncs and renames; destruction without commit() removes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

class AtomicFile {
 public:
  // Creates the temporary (O_CREAT|O_EXCL, never through a symlink planted at its name).
  // Throws perfprobe::Error naming the directory when it cannot.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(AtomicFile&&) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends; throws perfprobe::Error (disk full...) naming the temporary.
  void write(std::string_view bytes);
  // fsync, then rename onto the real name. Throws on failure (the temporary is removed).
  void commit();
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] const std::string& temporary() const noexcept { return tmp_; }

 private:
  std::string path_;
  std::string tmp_;
  Fd fd_;
  std::uint64_t size_ = 0;
};

}  // namespace perfprobe::sys
