// RAII owners for kernel handles: file descriptors, pipes, shared mappings. The only layer that
// talks to the kernel directly; errno becomes perfprobe::Error here (throw_errno).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace perfprobe::sys {

// Throws perfprobe::Error("<what>: <strerror(errno)>").
[[noreturn]] void throw_errno(std::string_view what);
[[noreturn]] void throw_errno(std::string_view what, int err);

// Owns one file descriptor and closes it exactly once.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int raw) noexcept : raw_(raw) {}
  Fd(Fd&& other) noexcept : raw_(std::exchange(other.raw_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.raw_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  [[nodiscard]] int get() const noexcept { return raw_; }
  [[nodiscard]] bool valid() const noexcept { return raw_ >= 0; }
  [[nodiscard]] int release() noexcept { return std::exchange(raw_, -1); }
  void reset(int raw = -1) noexcept;  // closes the current descriptor first

 private:
  int raw_ = -1;
};

// A pipe whose both ends are close-on-exec unless told otherwise.
struct Pipe {
  Fd read;
  Fd write;
};
[[nodiscard]] Pipe make_pipe(bool cloexec = true);

// Owns one mmap'd region.
class Mapping {
 public:
  Mapping() = default;
  Mapping(void* addr, std::size_t len) noexcept : addr_(addr), len_(len) {}
  Mapping(Mapping&& o) noexcept : addr_(std::exchange(o.addr_, nullptr)), len_(std::exchange(o.len_, 0)) {}
  Mapping& operator=(Mapping&& o) noexcept;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { reset(); }

  [[nodiscard]] void* get() const noexcept { return addr_; }
  [[nodiscard]] std::size_t size() const noexcept { return len_; }
  void reset() noexcept;

 private:
  void* addr_ = nullptr;
  std::size_t len_ = 0;
};

// Writes all of buf (retrying on EINTR and short writes). Returns false on EPIPE/other errors.
bool write_all(int fd, const void* buf, std::size_t len) noexcept;

// Reads a whole (small) file such as /proc/PID/status. Empty optional-like: returns false on error.
bool read_file(const std::string& path, std::string& out);

// Opens /dev/null on whichever of fds 0-2 is closed, so that no descriptor perfprobe opens later (a
// marker ring, a pipe) becomes the target's stdin/stdout/stderr. Called first thing in main.
void ensure_standard_fds() noexcept;

}  // namespace perfprobe::sys
