// The HTTP side of `attach --serve`, behind an interface that names no HTTP library: the endpoint
// lives in a module of its own (perfprobe-http.so, cpp-httplib and through it OpenSSL, brotli and
// zlib), loaded only when --serve asks for it, since linking those costs every start of perfprobe
// several milliseconds of relocations (docs/benchmarks.md, "Startup").
#pragma once

#include <functional>
#include <string>

namespace perfprobe::app {

struct HttpAnswer {
  int status = 200;
  std::string body;
  std::string content_type;
};

// Answers GET /metrics; gets the request's Accept header. Called on the endpoint's threads.
using MetricsHandler = std::function<HttpAnswer(const std::string& accept)>;

class HttpEndpoint {
 public:
  HttpEndpoint() = default;
  virtual ~HttpEndpoint() = default;  // stops serving and joins the threads
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // The port bound (the kernel's choice when 0 was asked).
  [[nodiscard]] virtual int port() const = 0;
  // Serves from now on, on the endpoint's own threads (they inherit the caller's signal mask).
  virtual void start() = 0;
};

// Applied to each listening socket before it binds (perfprobe's socket options; the module makes no
// system call of its own).
using SocketOptions = std::function<void(int socket_fd)>;

// The module's one entry point, looked up by this name. Binds host:port now; on failure returns
// nullptr with the bind's errno in *error (0: no such address).
using MakeHttpEndpoint = HttpEndpoint*(const std::string& host, int port, MetricsHandler handler,
                                       SocketOptions socket_options, int* error);
inline constexpr const char* kMakeHttpEndpoint = "perfprobe_make_http_endpoint";
inline constexpr const char* kHttpModule = "perfprobe-http.so";

}  // namespace perfprobe::app
