// perfprobe-http.so: the /metrics endpoint on cpp-httplib (Debian's libcpp-httplib): a small HTTP
// server is a library's job, not perfprobe's. Two worker threads, one request per connection (a
// kept-alive connection makes httplib poll every 10 ms), and nothing runs between scrapes. Built as
// a module of its own and loaded only by --serve (http_endpoint.hpp).
#include "http_endpoint.hpp"

#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <thread>

namespace perfprobe::app {

namespace {

constexpr std::size_t kWorkers = 2;

class HttplibEndpoint final : public HttpEndpoint {
 public:
  HttplibEndpoint(MetricsHandler handler, SocketOptions socket_options) : handler_(std::move(handler)) {
    http_.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
    http_.set_socket_options(std::move(socket_options));
    http_.set_keep_alive_max_count(1);
    http_.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
      const HttpAnswer a = handler_(req.get_header_value("Accept"));
      res.status = a.status;
      res.set_content(a.body, a.content_type);
    });
  }

  ~HttplibEndpoint() override {
    if (thread_.joinable()) {
      http_.stop();
      thread_.join();
    }
  }
  HttplibEndpoint(const HttplibEndpoint&) = delete;
  HttplibEndpoint& operator=(const HttplibEndpoint&) = delete;

  // The bound port, or -1 with errno set.
  int bind(const std::string& host, int port) {
    errno = 0;
    port_ = port == 0 ? http_.bind_to_any_port(host) : (http_.bind_to_port(host, port) ? port : -1);
    return port_;
  }

  [[nodiscard]] int port() const override { return port_; }

  void start() override {
    thread_ = std::thread([this] {
      (void)http_.listen_after_bind();
      listening_over_ = true;
    });
    // stop() only acts on a server that runs: wait until it does (or gave up), so that the
    // destructor can always end it.
    while (!http_.is_running() && !listening_over_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

 private:
  MetricsHandler handler_;
  httplib::Server http_;
  std::thread thread_;
  std::atomic<bool> listening_over_{false};
  int port_ = -1;
};

}  // namespace

}  // namespace perfprobe::app

extern "C" __attribute__((visibility("default"))) perfprobe::app::HttpEndpoint* perfprobe_make_http_endpoint(
    const std::string& host, int port, perfprobe::app::MetricsHandler handler,
    perfprobe::app::SocketOptions socket_options, int* error) {
  auto endpoint = std::make_unique<perfprobe::app::HttplibEndpoint>(std::move(handler), std::move(socket_options));
  if (endpoint->bind(host, port) < 0) {
    *error = errno;
    return nullptr;
  }
  return endpoint.release();
}
