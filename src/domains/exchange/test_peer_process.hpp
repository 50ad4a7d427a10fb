// For the exchange's unit tests: a real peer on loopback run as a subprocess — the FTP server
// (python3-pyftpdlib, as tests/api/peers.py starts it) with kFtpScript, or any other command.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace upravdom::exchange::test_support {

inline constexpr const char* kPython = "/usr/bin/python3";  // Debian's: it has pyftpdlib

// python3 -c kFtpScript PORT ROOT USER PASSWORD [HOME]: one user with every right over ROOT;
// the login lands in HOME (default "/"), like a server without chroot landing in /home/crm.
inline constexpr const char* kFtpScript = R"(
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.filesystems import AbstractedFS
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
port, root, user, password = sys.argv[1:5]
home = sys.argv[5] if len(sys.argv) > 5 else "/"
class Filesystem(AbstractedFS):
    def __init__(self, root, cmd_channel):
        super().__init__(root, cmd_channel)
        self._cwd = home
authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")
FTPHandler.authorizer = authorizer
FTPHandler.abstracted_fs = Filesystem
FTPHandler.auth_failed_timeout = 0.1
FTPServer(("127.0.0.1", int(port)), FTPHandler).serve_forever()
)";

inline bool Listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// A peer process listening on `port`, its output in `log`; ended when destroyed.
class Peer {
 public:
  Peer(std::vector<std::string> args, int port, const std::filesystem::path& log) : port_(port) {
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* out = std::freopen(log.c_str(), "w", stdout);
      if (out) ::dup2(::fileno(stdout), 2);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 300 && !Listening(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~Peer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  bool up() const { return Listening(port_); }

 private:
  pid_t pid_ = -1;
  int port_;
};

}  // namespace upravdom::exchange::test_support
