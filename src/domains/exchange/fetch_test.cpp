// FetchToTempFile / DeleteRemoteFile / CheckFtpConnection against real peers on loopback: an
// FTP server (python3-pyftpdlib, as tests/api/peers.py starts it) and an HTTP server
// (python3 -m http.server), started as subprocesses for the suite.
#include "domains/exchange/fetch.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "domains/exchange/test_ports.hpp"

using namespace upravdom;
using namespace upravdom::exchange;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's: it has pyftpdlib
constexpr const char* kUser = "crm";
constexpr const char* kPassword = "ftp-Пароль-1";

constexpr const char* kFtpScript = R"(
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
port, root, user, password = sys.argv[1:5]
authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")
FTPHandler.authorizer = authorizer
FTPHandler.auth_failed_timeout = 0.1
FTPServer(("127.0.0.1", int(port)), FTPHandler).serve_forever()
)";

int FreePort() {
  return upravdom::exchange::test_support::FreeLoopbackPort();
}

bool Listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// A peer process, killed when the suite ends.
class Peer {
 public:
  Peer(std::vector<std::string> args, int port, const fs::path& log) : port_(port) {
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
  bool up() const { return Listening(port_); }

 private:
  pid_t pid_ = -1;
  int port_;
};

void Write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr const char* kXml =
    "<?xml version=\"1.0\"?><upravdom-import><record><client external_id=\"C\"/></record>"
    "</upravdom-import>\n";

class FetchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("upravdom-fetch-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    Write(root_ / "ftp" / "sber" / "offers.xml", kXml);
    Write(root_ / "ftp" / "выгрузка 1" / "дома.xml", kXml);
    Write(root_ / "ftp" / "big.xml", std::string(10000, 'x'));
    Write(root_ / "http" / "offers.xml", kXml);
    Write(root_ / "http" / "page.html", "<!DOCTYPE html><html><body>Dropbox</body></html>");
    // A page served as a file: caught by its first bytes, whatever the type says.
    Write(root_ / "http" / "disguised.xml", "\xEF\xBB\xBF\n  <html><body>Вход</body></html>");
    ftp_port_ = FreePort();
    ftp_ = new Peer({kPython, "-c", kFtpScript, std::to_string(ftp_port_), (root_ / "ftp").string(),
                     kUser, kPassword},
                    ftp_port_, root_ / "ftp.log");
    http_port_ = FreePort();
    http_ = new Peer({kPython, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                      (root_ / "http").string(), std::to_string(http_port_)},
                     http_port_, root_ / "http.log");
  }
  static void TearDownTestSuite() {
    delete ftp_;
    delete http_;
    fs::remove_all(root_);
  }
  void SetUp() override {
    ASSERT_TRUE(ftp_->up()) << "pyftpdlib did not start (python3-pyftpdlib installed?): "
                            << Read((root_ / "ftp.log").string());
    ASSERT_TRUE(http_->up()) << Read((root_ / "http.log").string());
  }

  static FtpSettings Ftp() {
    FtpSettings ftp;
    ftp.host = "127.0.0.1";
    ftp.port = ftp_port_;
    ftp.user = kUser;
    ftp.password = kPassword;
    return ftp;
  }
  static std::string Http(const std::string& name) {
    return "http://127.0.0.1:" + std::to_string(http_port_) + "/" + name;
  }

  // The Russian message of the ApiError `fetch` throws (fails the test when none).
  template <class F>
  static std::string ErrorOf(F&& fetch, const char* field = "paths") {
    try {
      fetch();
    } catch (const ApiError& error) {
      EXPECT_EQ(error.code(), ErrorCode::kValidationFailed);
      EXPECT_EQ(error.fields().count(field), 1u) << error.what();
      return error.message();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  static std::string FetchError(const std::string& location, const FtpSettings& ftp = Ftp(),
                                FetchLimits limits = {}) {
    const fs::path downloads = root_ / "downloads";
    fs::create_directories(downloads);
    limits.temp_dir = downloads.string();
    std::string message = ErrorOf([&] { FetchToTempFile(location, ftp, limits); });
    EXPECT_TRUE(fs::is_empty(downloads)) << "a failed download left its temp file";
    return message;
  }

  static inline fs::path root_;
  static inline int ftp_port_ = 0, http_port_ = 0;
  static inline Peer* ftp_ = nullptr;
  static inline Peer* http_ = nullptr;
};

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST_F(FetchTest, FtpPathToATempFile) {
  FetchedFile file = FetchToTempFile("/sber/offers.xml", Ftp(), {});
  EXPECT_EQ(Read(file.path), kXml);
  EXPECT_EQ(file.bytes, static_cast<long long>(std::string(kXml).size()));
  fs::remove(file.path);
  // Cyrillic and spaces in the path; the active mode.
  FtpSettings active = Ftp();
  active.passive = false;
  file = FetchToTempFile(" /выгрузка 1/дома.xml ", active, {});
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
}

TEST_F(FetchTest, FtpUrlToTheOwnServerUsesTheSettingsLogin) {
  const std::string url = "ftp://127.0.0.1:" + std::to_string(ftp_port_) + "/sber/offers.xml";
  FetchedFile file = FetchToTempFile(url, Ftp(), {});
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
  // A login in the link itself.
  file = FetchToTempFile("ftp://crm:ftp-%D0%9F%D0%B0%D1%80%D0%BE%D0%BB%D1%8C-1@127.0.0.1:" +
                             std::to_string(ftp_port_) + "/sber/offers.xml",
                         FtpSettings{}, {});
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
  // And the password never shows in a message.
  const std::string message = FetchError(
      "ftp://crm:secret@127.0.0.1:" + std::to_string(ftp_port_) + "/nope.xml", FtpSettings{});
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
}

TEST_F(FetchTest, WrongPasswordIsRefusedLogin) {
  FtpSettings wrong = Ftp();
  wrong.password = "wrong";
  EXPECT_HAS(FetchError("/sber/offers.xml", wrong), "отклонил вход — проверьте логин и пароль");
  // A connection check names the server once: «FTP-сервер «127.0.0.1» отклонил вход …».
  const std::string check = ErrorOf([&] { CheckFtpConnection(wrong); }, "ftp_host");
  EXPECT_EQ(check.rfind("FTP-сервер «127.0.0.1» отклонил вход", 0), 0u) << check;
  EXPECT_EQ(check.find("127.0.0.1", check.find("127.0.0.1") + 1), std::string::npos) << check;
  CheckFtpConnection(Ftp());  // the right one logs in
}

TEST_F(FetchTest, UnreachableHost) {
  FtpSettings closed = Ftp();
  closed.port = FreePort();  // nothing listens there
  EXPECT_HAS(FetchError("/sber/offers.xml", closed), "не удалось подключиться к серверу");
  FtpSettings unknown = Ftp();
  unknown.host = "ftp.upravdom.invalid";
  EXPECT_HAS(FetchError("/sber/offers.xml", unknown), "не найден — проверьте адрес");
  EXPECT_EQ(ErrorOf([&] { CheckFtpConnection(unknown); }, "ftp_host"),
            "Сервер «ftp.upravdom.invalid» не найден — проверьте адрес");
  EXPECT_HAS(FetchError("/sber/offers.xml", FtpSettings{}), "Не указан адрес FTP-сервера");
}

TEST_F(FetchTest, LinkLocalAddressesAreRefused) {
  // A cloud's metadata service (169.254.169.254) and such: never an import file.
  for (const char* link : {"http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:9/x.xml",
                           "http://[fe80::1]:9/x.xml", "http://[::ffff:169.254.169.254]/x.xml"})
    EXPECT_HAS(FetchError(link, FtpSettings{}), "служебный (link-local)");
  FtpSettings metadata = Ftp();
  metadata.host = "169.254.169.254";
  EXPECT_EQ(ErrorOf([&] { CheckFtpConnection(metadata); }, "ftp_host"),
            "Адрес сервера «169.254.169.254» — служебный (link-local): загрузка с таких адресов "
            "запрещена");
}

TEST_F(FetchTest, NotFound) {
  EXPECT_HAS(FetchError("/sber/missing.xml"), "не найден");
  EXPECT_HAS(FetchError("/no-such-dir/offers.xml"), "не найдены");
  EXPECT_HAS(FetchError(Http("missing.xml")), "файл не найден (HTTP 404)");
}

TEST_F(FetchTest, TooLarge) {
  FetchLimits small;
  small.max_bytes = 1000;
  EXPECT_HAS(FetchError("/big.xml", Ftp(), small), "больше допустимого размера");
  EXPECT_HAS(FetchError(Http("offers.xml"), Ftp(), FetchLimits{.max_bytes = 10}),
             "больше допустимого размера");
}

TEST_F(FetchTest, HttpLinks) {
  FetchedFile file = FetchToTempFile(Http("offers.xml") + "?dl=1", FtpSettings{}, {});
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
  EXPECT_HAS(FetchError(Http("page.html")), "получена веб-страница, а не файл выгрузки");
  EXPECT_HAS(FetchError(Http("disguised.xml")), "получена веб-страница");
}

TEST_F(FetchTest, BadLocations) {
  EXPECT_HAS(FetchError("sber/offers.xml"), "начиная с «/»");
  EXPECT_HAS(FetchError("file:///etc/passwd"), "начиная с «/»");
  EXPECT_HAS(FetchError(""), "Пустой адрес");
}

TEST_F(FetchTest, TlsRequestedFromAPlainServer) {
  FtpSettings tls = Ftp();
  tls.tls = true;
  EXPECT_HAS(FetchError("/sber/offers.xml", tls), "не поддерживает защищённое соединение");
}

TEST_F(FetchTest, DeleteRemoteFile) {
  Write(root_ / "ftp" / "sber" / "done.xml", kXml);
  DeleteRemoteFile("/sber/done.xml", Ftp());
  EXPECT_FALSE(fs::exists(root_ / "ftp" / "sber" / "done.xml"));
  Write(root_ / "ftp" / "выгрузка 1" / "старый.xml", kXml);
  DeleteRemoteFile("/выгрузка 1/старый.xml", Ftp());
  EXPECT_FALSE(fs::exists(root_ / "ftp" / "выгрузка 1" / "старый.xml"));
  EXPECT_TRUE(fs::exists(root_ / "ftp" / "выгрузка 1" / "дома.xml"));

  EXPECT_HAS(ErrorOf([] { DeleteRemoteFile("/sber/done.xml", Ftp()); }), "не дал удалить");
  EXPECT_HAS(ErrorOf([] { DeleteRemoteFile(Http("offers.xml"), Ftp()); }),
             "только файл на FTP-сервере");
  FtpSettings wrong = Ftp();
  wrong.password = "wrong";
  EXPECT_HAS(ErrorOf([&] { DeleteRemoteFile("/sber/offers.xml", wrong); }), "отклонил вход");
  EXPECT_TRUE(fs::exists(root_ / "ftp" / "sber" / "offers.xml"));
}

}  // namespace
