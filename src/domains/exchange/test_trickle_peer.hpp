// For the exchange's unit tests: a TCP server on loopback whose transfers never end — it
// answers each connection with `greeting` and then one byte every `interval`, until the client
// goes or the peer is destroyed. An empty greeting and no bytes (interval 0) is a server that
// accepts and says nothing (an FTP server stuck before its banner).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace upravdom::exchange::test_support {

class TricklePeer {
 public:
  TricklePeer(std::string greeting, std::chrono::milliseconds interval)
      : greeting_(std::move(greeting)), interval_(interval) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 8);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TricklePeer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  TricklePeer(const TricklePeer&) = delete;
  TricklePeer& operator=(const TricklePeer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  bool Wait(int fd, int ms) {
    pollfd ready{fd, POLLIN, 0};
    return ::poll(&ready, 1, ms) > 0;
  }

  void Serve() {
    while (!stop_) {
      if (!Wait(listener_, 20)) continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      ++connections_;
      if (Wait(client, 100)) {  // an HTTP client speaks first: take its request
        char request[4096];
        [[maybe_unused]] ssize_t ignored = ::recv(client, request, sizeof request, 0);
      }
      bool open =
          greeting_.empty() || ::send(client, greeting_.data(), greeting_.size(), MSG_NOSIGNAL) > 0;
      auto next = std::chrono::steady_clock::now();
      while (open && !stop_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        char byte = 'x';
        if (interval_.count() > 0 && std::chrono::steady_clock::now() >= next) {
          open = ::send(client, &byte, 1, MSG_NOSIGNAL) == 1;
          next += interval_;
        }
        // The client went away: its end of the connection reads as closed.
        if (open && Wait(client, 0) && ::recv(client, &byte, 1, MSG_PEEK) <= 0) open = false;
      }
      ::close(client);
    }
  }

  std::string greeting_;
  std::chrono::milliseconds interval_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace upravdom::exchange::test_support
