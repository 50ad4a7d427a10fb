// The socket side: Boost.Beast over Asio with C++20 coroutines. The only file that includes
// Beast (it costs ~12 s of compile time per translation unit).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "http/dispatcher.hpp"

namespace upravdom::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 4;
  size_t body_limit = 8 * 1024 * 1024;
  size_t header_limit = 16 * 1024;
  // Paths (exact) that accept a larger body than body_limit: {path, limit}. The import API
  // takes batches of up to 64 MB.
  std::vector<std::pair<std::string, size_t>> large_bodies;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{30};  // in-flight requests get this long after SIGTERM
};

// Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish and
// returns. Calls on_listening once the port is open.
void RunServer(const ServerOptions& options, const Dispatcher& dispatcher,
               const std::function<void()>& on_listening);

}  // namespace upravdom::http
