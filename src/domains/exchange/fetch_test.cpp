// FetchToTempFile / DeleteRemoteFile / CheckFtpConnection against real peers on loopback: an
// FTP server (python3-pyftpdlib, as tests/api/peers.py starts it) and an HTTP server
// (python3 -m http.server), started as subprocesses for the suite, and a server that sends
// slowly (test_trickle_peer.hpp). The peers are on loopback, so the fetches here allow
// private addresses (Allowed()) unless a test is about refusing them.
#include "domains/exchange/fetch.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "domains/exchange/test_peer_process.hpp"
#include "domains/exchange/test_ports.hpp"
#include "domains/exchange/test_trickle_peer.hpp"

using namespace upravdom;
using namespace upravdom::exchange;
namespace fs = std::filesystem;

namespace {

using test_support::kFtpScript;
using test_support::kPython;
using test_support::Peer;
constexpr const char* kUser = "crm";
constexpr const char* kPassword = "ftp-Пароль-1";

int FreePort() {
  return upravdom::exchange::test_support::FreeLoopbackPort();
}

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

  // The peers are on loopback: allowed, as an on-premise install allows its LAN.
  static FetchLimits Allowed() { return {.allow_private = true}; }

  static std::string FetchError(const std::string& location, const FtpSettings& ftp = Ftp(),
                                FetchLimits limits = Allowed()) {
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

TEST(ShownLocation, NeverShowsAPassword) {
  EXPECT_EQ(ShownLocation("ftp://user:secret@host/a.xml"), "ftp://…@host/a.xml");
  EXPECT_EQ(ShownLocation("ftp://u:pa/ss@host/x.xml"), "ftp://…@host/x.xml")
      << "a password with an unencoded slash";
  EXPECT_EQ(ShownLocation("https://host/file@2x.xml"), "https://host/file@2x.xml");
  EXPECT_EQ(ShownLocation("https://dl.example.com/x.xml?dl=1"),
            "https://dl.example.com/x.xml?dl=1");
  EXPECT_EQ(ShownLocation("/sber/offers.xml"), "/sber/offers.xml");
}

TEST_F(FetchTest, FtpPathToATempFile) {
  FetchedFile file = FetchToTempFile("/sber/offers.xml", Ftp(), Allowed());
  EXPECT_EQ(Read(file.path), kXml);
  EXPECT_EQ(file.bytes, static_cast<long long>(std::string(kXml).size()));
  struct stat info {};
  ASSERT_EQ(::stat((root_ / "ftp" / "sber" / "offers.xml").c_str(), &info), 0);
  EXPECT_EQ(file.modified, static_cast<long long>(info.st_mtime)) << "the MDTM of the file read";
  fs::remove(file.path);
  // Cyrillic and spaces in the path; the active mode.
  FtpSettings active = Ftp();
  active.passive = false;
  file = FetchToTempFile(" /выгрузка 1/дома.xml ", active, Allowed());
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
}

TEST_F(FetchTest, FtpUrlToTheOwnServerUsesTheSettingsLogin) {
  const std::string url = "ftp://127.0.0.1:" + std::to_string(ftp_port_) + "/sber/offers.xml";
  FetchedFile file = FetchToTempFile(url, Ftp(), Allowed());
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
  // A login in the link itself.
  file = FetchToTempFile("ftp://crm:ftp-%D0%9F%D0%B0%D1%80%D0%BE%D0%BB%D1%8C-1@127.0.0.1:" +
                             std::to_string(ftp_port_) + "/sber/offers.xml",
                         FtpSettings{}, Allowed());
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
  // And the password never shows in a message.
  const std::string message = FetchError(
      "ftp://crm:secret@127.0.0.1:" + std::to_string(ftp_port_) + "/nope.xml", FtpSettings{});
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
}

TEST_F(FetchTest, AnFtpLinkToAnotherPortOfTheOwnHostIsNotGivenTheStoredLogin) {
  // The settings name port P+1; a link to port P of the same host is another server: it is
  // read anonymously (the peer refuses that), not with the stored login and password.
  FtpSettings settings = Ftp();
  settings.port = ftp_port_ + 1;
  const std::string url = "ftp://127.0.0.1:" + std::to_string(ftp_port_) + "/sber/offers.xml";
  EXPECT_HAS(FetchError(url, settings), "отклонил вход");
  FetchedFile file = FetchToTempFile(url, Ftp(), Allowed());  // the settings' own port
  EXPECT_EQ(Read(file.path), kXml);
  fs::remove(file.path);
}

TEST_F(FetchTest, WrongPasswordIsRefusedLogin) {
  FtpSettings wrong = Ftp();
  wrong.password = "wrong";
  EXPECT_HAS(FetchError("/sber/offers.xml", wrong), "отклонил вход — проверьте логин и пароль");
  // A connection check names the server once: «FTP-сервер «127.0.0.1» отклонил вход …».
  const std::string check = ErrorOf([&] { CheckFtpConnection(wrong, Allowed()); }, "ftp_host");
  EXPECT_EQ(check.rfind("FTP-сервер «127.0.0.1» отклонил вход", 0), 0u) << check;
  EXPECT_EQ(check.find("127.0.0.1", check.find("127.0.0.1") + 1), std::string::npos) << check;
  CheckFtpConnection(Ftp(), Allowed());  // the right one logs in
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

sockaddr_in6 Ipv6(const char* text) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(21);
  EXPECT_EQ(::inet_pton(AF_INET6, text, &address.sin6_addr), 1) << text;
  return address;
}

AddressClass Classify(const char* text) {
  if (std::string(text).find(':') != std::string::npos) {
    const sockaddr_in6 address = Ipv6(text);
    return ClassifyAddress(reinterpret_cast<const sockaddr*>(&address));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(21);
  EXPECT_EQ(::inet_pton(AF_INET, text, &address.sin_addr), 1) << text;
  return ClassifyAddress(reinterpret_cast<const sockaddr*>(&address));
}

TEST(AddressClassTest, EveryRangeAndItsEdges) {
  // Each range, its first and last address, and the addresses just outside it.
  for (const char* internal :
       {"127.0.0.1", "127.255.255.255", "10.0.0.0", "10.255.255.255", "172.16.0.0",
        "172.31.255.255", "192.168.0.0", "192.168.255.255", "100.64.0.0", "100.127.255.255", "::1",
        "fc00::", "fd12:3456::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::1"})
    EXPECT_EQ(Classify(internal), AddressClass::kInternal) << internal;
  for (const char* link_local : {"169.254.0.0", "169.254.169.254", "169.254.255.255", "0.0.0.0",
                                 "0.1.2.3", "fe80::", "fe80::1", "febf::1", "::"})
    EXPECT_EQ(Classify(link_local), AddressClass::kLinkLocal) << link_local;
  for (const char* public_ :
       {"1.1.1.1", "9.255.255.255", "11.0.0.0", "126.255.255.255", "128.0.0.0", "172.15.255.255",
        "172.32.0.0", "192.167.255.255", "192.169.0.0", "100.63.255.255", "100.128.0.0",
        "169.253.255.255", "169.255.0.0", "8.8.8.8", "2a00:1450:4010::1", "fbff::1", "fe00::1",
        "::1:0:0:1", "2001:db8::1"})
    EXPECT_EQ(Classify(public_), AddressClass::kPublic) << public_;
}

TEST(AddressClassTest, Ipv4InsideIpv6IsClassedByItsIpv4) {
  for (const char* internal :
       {"::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:172.20.0.1", "::ffff:192.168.1.1",
        "::ffff:100.100.0.1", "::10.0.0.1", "64:ff9b::192.168.0.1"})
    EXPECT_EQ(Classify(internal), AddressClass::kInternal) << internal;
  for (const char* link_local :
       {"::ffff:169.254.169.254", "::ffff:0.0.0.0", "::2:1" /* ::0.2.0.1 */, "64:ff9b::a9fe:a9fe"})
    EXPECT_EQ(Classify(link_local), AddressClass::kLinkLocal) << link_local;
  for (const char* public_ : {"::ffff:8.8.8.8", "::ffff:172.32.0.1", "64:ff9b::808:808"})
    EXPECT_EQ(Classify(public_), AddressClass::kPublic) << public_;
}

TEST_F(FetchTest, LinkLocalAddressesAreRefusedEvenWhenPrivateOnesAreAllowed) {
  // A cloud's metadata service (169.254.169.254) and such: never an import file.
  for (const char* link : {"http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:9/x.xml",
                           "http://[fe80::1]:9/x.xml", "http://[::ffff:169.254.169.254]/x.xml"})
    EXPECT_HAS(FetchError(link, FtpSettings{}), "служебный (link-local)");
  FtpSettings metadata = Ftp();
  metadata.host = "169.254.169.254";
  EXPECT_EQ(ErrorOf([&] { CheckFtpConnection(metadata, Allowed()); }, "ftp_host"),
            "Адрес сервера «169.254.169.254» — служебный (link-local): загрузка с таких адресов "
            "запрещена");
}

TEST_F(FetchTest, LoopbackAndPrivateAddressesAreRefusedByDefault) {
  const FetchLimits refused;  // the server's default: no --fetch-allow-private
  const std::string internal =
      "— внутренний (сам сервер CRM или локальная сеть): загрузка с таких адресов запрещена "
      "настройками сервера CRM (параметр --fetch-allow-private)";
  // The peers answer, but nothing is asked of them: the FTP path, an ftp:// link and an http://
  // link on loopback are refused before a connection.
  EXPECT_EQ(FetchError("/sber/offers.xml", Ftp(), refused),
            "Файл «/sber/offers.xml»: адрес сервера «127.0.0.1» " + internal);
  EXPECT_HAS(FetchError(Http("offers.xml"), FtpSettings{}, refused), internal);
  EXPECT_HAS(FetchError("ftp://127.0.0.1:" + std::to_string(ftp_port_) + "/sber/offers.xml", Ftp(),
                        refused),
             internal);
  // A name shows the address it resolved to.
  FtpSettings named = Ftp();
  named.host = "localhost";
  const std::string message = FetchError("/sber/offers.xml", named, refused);
  EXPECT_TRUE(message.find("«localhost» (127.0.0.1) — внутренний") != std::string::npos ||
              message.find("«localhost» (::1) — внутренний") != std::string::npos)
      << message;
  // The connection check and the deletion too.
  EXPECT_EQ(ErrorOf([&] { CheckFtpConnection(Ftp()); }, "ftp_host"),
            "Адрес сервера «127.0.0.1» " + internal);
  EXPECT_HAS(ErrorOf([&] { DeleteRemoteFile("/sber/offers.xml", Ftp(), {.bytes = 1}, refused); }),
             internal);
  EXPECT_TRUE(fs::exists(root_ / "ftp" / "sber" / "offers.xml"));
}

TEST_F(FetchTest, NotFound) {
  EXPECT_HAS(FetchError("/sber/missing.xml"), "не найден");
  EXPECT_HAS(FetchError("/no-such-dir/offers.xml"), "не найдены");
  EXPECT_HAS(FetchError(Http("missing.xml")), "файл не найден (HTTP 404)");
}

TEST_F(FetchTest, TooLarge) {
  FetchLimits small = Allowed();
  small.max_bytes = 1000;
  EXPECT_HAS(FetchError("/big.xml", Ftp(), small), "больше допустимого размера");
  EXPECT_HAS(
      FetchError(Http("offers.xml"), Ftp(), FetchLimits{.max_bytes = 10, .allow_private = true}),
      "больше допустимого размера");
}

TEST_F(FetchTest, HttpLinks) {
  FetchedFile file = FetchToTempFile(Http("offers.xml") + "?dl=1", FtpSettings{}, Allowed());
  EXPECT_EQ(Read(file.path), kXml);
  EXPECT_EQ(file.modified, -1) << "a link has no version to compare";
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

TEST_F(FetchTest, UsersSeeNoEnglishFromLibcurl) {
  // https:// to a plain HTTP server: libcurl says «…wrong version number» — the server log's.
  const std::string tls = FetchError("https://127.0.0.1:" + std::to_string(http_port_) + "/x.xml");
  EXPECT_EQ(tls, "Файл «https://127.0.0.1:" + std::to_string(http_port_) +
                     "/x.xml»: не удалось установить защищённое соединение (TLS) с сервером "
                     "«127.0.0.1»");
  // An answer that is not HTTP: «Received HTTP/0.9 when not allowed».
  test_support::TricklePeer garbage("garbage\r\n", std::chrono::milliseconds(0));
  const std::string other = FetchError("http://127.0.0.1:" + std::to_string(garbage.port()) + "/x");
  EXPECT_HAS(other, "не удалось загрузить с сервера «127.0.0.1» (ошибка ");
  EXPECT_HAS(other, "подробности — в журнале сервера CRM)");
  EXPECT_EQ(other.find("HTTP/0.9"), std::string::npos) << other;
}

TEST_F(FetchTest, DeleteRemoteFile) {
  for (const char* path : {"/sber/done.xml", "/выгрузка 1/старый.xml"}) {
    Write(root_ / "ftp" / fs::path(path).relative_path(), kXml);
    FetchedFile read = FetchToTempFile(path, Ftp(), Allowed());
    fs::remove(read.path);
    DeleteRemoteFile(path, Ftp(), read, Allowed());
    EXPECT_FALSE(fs::exists(root_ / "ftp" / fs::path(path).relative_path())) << path;
  }
  EXPECT_TRUE(fs::exists(root_ / "ftp" / "выгрузка 1" / "дома.xml"));

  const FetchedFile read{.bytes = static_cast<long long>(std::string(kXml).size())};
  EXPECT_HAS(ErrorOf([&] { DeleteRemoteFile("/sber/done.xml", Ftp(), read, Allowed()); }),
             "файл не найден на сервере");
  EXPECT_HAS(ErrorOf([&] { DeleteRemoteFile(Http("offers.xml"), Ftp(), read, Allowed()); }),
             "только файл на FTP-сервере");
  FtpSettings wrong = Ftp();
  wrong.password = "wrong";
  EXPECT_HAS(ErrorOf([&] { DeleteRemoteFile("/sber/offers.xml", wrong, read, Allowed()); }),
             "отклонил вход");
  EXPECT_TRUE(fs::exists(root_ / "ftp" / "sber" / "offers.xml"));
}

// A server that does not put the login at its root (no chroot: the login lands in /home/crm):
// the path from the root reads and deletes the root's file; an ftp:// link's path is from the
// login directory (RFC 1738), and its deletion takes that same file too.
TEST_F(FetchTest, DeletionTakesExactlyTheFileThatWasRead) {
  const fs::path root = root_ / "home-ftp";
  Write(root / "sber" / "offers.xml", "<upravdom-import>root</upravdom-import>");
  Write(root / "home" / "crm" / "sber" / "offers.xml", "<upravdom-import>home</upravdom-import>");
  const int port = FreePort();
  Peer peer({kPython, "-c", kFtpScript, std::to_string(port), root.string(), kUser, kPassword,
             "/home/crm"},
            port, root_ / "home-ftp.log");
  ASSERT_TRUE(peer.up()) << Read((root_ / "home-ftp.log").string());
  FtpSettings ftp = Ftp();
  ftp.port = port;

  FetchedFile read = FetchToTempFile("/sber/offers.xml", ftp, Allowed());
  EXPECT_EQ(Read(read.path), "<upravdom-import>root</upravdom-import>");
  fs::remove(read.path);
  DeleteRemoteFile("/sber/offers.xml", ftp, read, Allowed());
  EXPECT_FALSE(fs::exists(root / "sber" / "offers.xml"));
  EXPECT_TRUE(fs::exists(root / "home" / "crm" / "sber" / "offers.xml"));

  Write(root / "sber" / "offers.xml", "<upravdom-import>root</upravdom-import>");
  const std::string link = "ftp://127.0.0.1:" + std::to_string(port) + "/sber/offers.xml";
  read = FetchToTempFile(link, ftp, Allowed());
  EXPECT_EQ(Read(read.path), "<upravdom-import>home</upravdom-import>");
  fs::remove(read.path);
  DeleteRemoteFile(link, ftp, read, Allowed());
  EXPECT_FALSE(fs::exists(root / "home" / "crm" / "sber" / "offers.xml"));
  EXPECT_TRUE(fs::exists(root / "sber" / "offers.xml"));
}

// 1С uploads a new version between the download and the deletion: it is not deleted unread.
TEST_F(FetchTest, ANewVersionUploadedAfterTheDownloadIsNotDeleted) {
  const fs::path file = root_ / "ftp" / "sber" / "race.xml";
  Write(file, kXml);
  FetchedFile read = FetchToTempFile("/sber/race.xml", Ftp(), Allowed());
  fs::remove(read.path);
  const std::string newer = std::string(kXml) + "<!-- the next export -->\n";
  const fs::file_time_type written = fs::last_write_time(file);
  Write(file, newer);
  // Only the size differs here: written in the next second, the message also named the
  // modification time (the case below), and the test failed now and then.
  fs::last_write_time(file, written);
  EXPECT_HAS(ErrorOf([&] { DeleteRemoteFile("/sber/race.xml", Ftp(), read, Allowed()); }),
             "Файл «/sber/race.xml»: изменился на FTP-сервере после загрузки (размер " +
                 std::to_string(read.bytes) + " → " + std::to_string(newer.size()) +
                 " байт) — новая версия оставлена и будет загружена при следующем запуске");
  EXPECT_EQ(Read(file.string()), newer);

  // The same size, another modification time.
  read = FetchToTempFile("/sber/race.xml", Ftp(), Allowed());
  fs::remove(read.path);
  std::string same_size = newer;
  same_size.back() = ' ';
  Write(file, same_size);
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
  EXPECT_HAS(ErrorOf([&] { DeleteRemoteFile("/sber/race.xml", Ftp(), read, Allowed()); }),
             "(время изменения другое)");
  EXPECT_EQ(Read(file.string()), same_size);

  // Unchanged: deleted.
  read = FetchToTempFile("/sber/race.xml", Ftp(), Allowed());
  fs::remove(read.path);
  DeleteRemoteFile("/sber/race.xml", Ftp(), read, Allowed());
  EXPECT_FALSE(fs::exists(file));
}

// The server stops while a transfer crawls (or hangs before the FTP server's greeting): the
// transfer is cut off at once, not after its timeout, and leaves no temp file.
TEST_F(FetchTest, AStopFlagCutsOffASlowTransfer) {
  test_support::TricklePeer slow(
      "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000000\r\n\r\n<",
      std::chrono::milliseconds(50));
  test_support::TricklePeer silent("", std::chrono::milliseconds(0));
  const std::vector<std::pair<std::string, FtpSettings>> cases = {
      {"http://127.0.0.1:" + std::to_string(slow.port()) + "/offers.xml", FtpSettings{}},
      {"/sber/offers.xml", FtpSettings{.host = "127.0.0.1", .port = silent.port()}}};
  const fs::path downloads = root_ / "downloads";
  fs::create_directories(downloads);
  for (const auto& [location, ftp] : cases) {
    std::atomic<bool> stop{false};
    FetchLimits limits = Allowed();
    limits.temp_dir = downloads.string();
    limits.stop = [&stop] { return stop.load(); };
    std::thread stopper([&stop] {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      stop = true;
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(FetchToTempFile(location, ftp, limits), TransferAborted) << location;
    const auto took = std::chrono::steady_clock::now() - start;
    stopper.join();
    EXPECT_GE(took, std::chrono::milliseconds(450)) << location << ": it did transfer until then";
    EXPECT_LT(took, std::chrono::milliseconds(2500)) << location;
    EXPECT_TRUE(fs::is_empty(downloads)) << "the cut-off download left its temp file";
  }
  EXPECT_EQ(slow.connections(), 1);
  EXPECT_EQ(silent.connections(), 1);
}

}  // namespace
