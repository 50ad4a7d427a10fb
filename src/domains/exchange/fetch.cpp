#include "domains/exchange/fetch.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/temp_files.hpp"

namespace upravdom::exchange {

namespace {

constexpr const char* kField = "paths";
// The first bytes of a download are kept to tell a web page from an export file.
constexpr size_t kSniffBytes = 512;

[[noreturn]] void Refuse(const std::string& message, const char* field = kField) {
  throw ApiError(ErrorCode::kValidationFailed, message, {{field, message}});
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && Lower(text.substr(0, prefix.size())) == prefix;
}

// A URL as it may be shown in a message or the log: without a password in it.
std::string Shown(const std::string& location) {
  const size_t scheme = location.find("://");
  if (scheme == std::string::npos) return location;
  const size_t host = scheme + 3;
  const size_t slash = location.find('/', host);
  size_t at = location.rfind('@', slash == std::string::npos ? location.size() : slash);
  if (at == std::string::npos || at < host) {
    // A password with an unencoded "/" («ftp://u:pa/ss@host/x»): the last "@" before the query,
    // with a ":" before it, ends what may be a login and password. A path's own "@"
    // («/file@2x.xml» after «host:21») may hide the host too: never the other way round.
    const size_t end = location.find_first_of("?#", host);
    at = location.rfind('@', end == std::string::npos ? location.size() : end);
    if (at == std::string::npos || at < host || location.find(':', host) > at) return location;
  }
  return location.substr(0, host) + "…@" + location.substr(at + 1);
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The FTP server's host as a URL authority: a bare host (a scheme or a trailing slash typed in
// the settings is dropped), IPv6 in brackets, and the port.
std::string FtpAuthority(const FtpSettings& ftp, const char* field = kField) {
  std::string host = ftp.host;
  while (!host.empty() && std::isspace(static_cast<unsigned char>(host.back()))) host.pop_back();
  host.erase(0, host.find_first_not_of(" \t"));
  if (StartsWithNoCase(host, "ftp://")) host.erase(0, 6);
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (host.empty()) Refuse("Не указан адрес FTP-сервера в общих настройках обмена", field);
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return host + ":" + std::to_string(ftp.port > 0 ? ftp.port : 21);
}

// An absolute FTP path as a URL path: every segment percent-encoded (spaces, Cyrillic).
std::string EncodePath(CURL* curl, const std::string& path) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) {
      char* escaped = curl_easy_escape(curl, path.data() + start, static_cast<int>(slash - start));
      if (!escaped) throw std::bad_alloc();
      out += escaped;
      curl_free(escaped);
    }
    if (slash < path.size()) out += '/';
    start = slash + 1;
  }
  return out;
}

enum class Scheme { kFtpPath, kFtpUrl, kHttp };

struct Target {
  Scheme scheme;
  std::string url;
  std::string host;   // for messages
  bool use_settings;  // the organisation's FTP login, passive mode and TLS apply
};

// A URL as libcurl reads it (its transfer goes where this says). Parts of a URL libcurl
// cannot parse are absent: the transfer then fails with libcurl's own error.
class ParsedUrl {
 public:
  explicit ParsedUrl(const std::string& url) : handle_(curl_url(), &curl_url_cleanup) {
    if (!handle_) throw std::bad_alloc();
    parsed_ = curl_url_set(handle_.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
  }
  std::optional<std::string> Get(CURLUPart part, unsigned int flags = 0) const {
    char* value = nullptr;
    if (!parsed_ || curl_url_get(handle_.get(), part, &value, flags) != CURLUE_OK)
      return std::nullopt;
    std::string text(value);
    curl_free(value);
    return text;
  }
  // Without an IPv6 address's brackets; "" when there is none.
  std::string Host() const {
    std::string host = Get(CURLUPART_HOST).value_or("");
    if (host.size() > 1 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    return host;
  }
  // As written, else the scheme's own (21 for ftp://); -1 when there is none.
  int Port() const {
    const std::optional<std::string> port = Get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
    return port ? std::stoi(*port) : -1;  // libcurl checked it: digits, at most 65535
  }

 private:
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle_;
  bool parsed_ = false;
};

Target Resolve(CURL* curl, const std::string& raw_location, const FtpSettings& ftp) {
  std::string location = raw_location;
  location.erase(0, location.find_first_not_of(" \t"));
  while (!location.empty() && std::isspace(static_cast<unsigned char>(location.back())))
    location.pop_back();
  if (location.empty()) Refuse("Пустой адрес файла");
  if (location.front() == '/') {
    // The path is from the server's root, as an FTP client shows it. In an ftp:// URL a path
    // is relative to the directory the login lands in (RFC 1738): "/%2F" makes libcurl start
    // with CWD /, so a server that does not put the user at its root (a home directory like
    // /home/crm) reads the same file as one that does.
    Target target{Scheme::kFtpPath,
                  "ftp://" + FtpAuthority(ftp) + "/%2F" + EncodePath(curl, location.substr(1)),
                  ftp.host, true};
    return target;
  }
  if (StartsWithNoCase(location, "http://") || StartsWithNoCase(location, "https://"))
    return {Scheme::kHttp, location, ParsedUrl(location).Host(), false};
  if (StartsWithNoCase(location, "ftp://")) {
    const ParsedUrl url(location);
    const std::string host = url.Host();
    // A link to the organisation's own FTP server (host and port), without a login in it,
    // logs in as the settings say; any other ftp:// link is anonymous or carries its own
    // login — the stored password never goes to another port of the host.
    const bool own = !ftp.host.empty() && Lower(host) == Lower(ftp.host) &&
                     url.Port() == ftp.port && !url.Get(CURLUPART_USER);
    return {Scheme::kFtpUrl, location, host, own};
  }
  Refuse("Адрес файла «" + Shown(location) +
         "»: укажите путь на FTP-сервере, начиная с «/» (например /sber/offers.xml), или ссылку "
         "http://, https://, ftp://");
}

void ApplyFtpSettings(CURL* curl, const FtpSettings& ftp) {
  curl_easy_setopt(curl, CURLOPT_USERNAME, ftp.user.empty() ? "anonymous" : ftp.user.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, ftp.password.c_str());
  // Active mode: the server connects back to the address of this side of the control
  // connection ("-").
  if (!ftp.passive) curl_easy_setopt(curl, CURLOPT_FTPPORT, "-");
  if (ftp.tls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
}

AddressClass ClassifyIpv4(uint32_t ip) {
  const auto in = [ip](uint32_t network, int bits) {
    return (ip >> (32 - bits)) == (network >> (32 - bits));
  };
  if (in(0x00000000, 8) || in(0xA9FE0000, 16)) return AddressClass::kLinkLocal;  // 0/8, 169.254/16
  if (in(0x7F000000, 8) || in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) ||
      in(0x64400000, 10))  // 127/8, 10/8, 172.16/12, 192.168/16, 100.64/10
    return AddressClass::kInternal;
  return AddressClass::kPublic;
}

std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address->sa_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text,
                sizeof text);
  else if (address->sa_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
                sizeof text);
  return text;
}

int Port(const sockaddr* address) {
  if (address->sa_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in*>(address)->sin_port);
  if (address->sa_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(address)->sin6_port);
  return -1;
}

// One transfer's guard: where its sockets may go, and when it is cut off. Given to libcurl's
// callbacks; it remembers what was refused, for the message.
struct Guard {
  bool allow_private = false;
  const std::function<bool()>* stop = nullptr;   // FetchLimits::stop, when set
  AddressClass refused = AddressClass::kPublic;  // kPublic: nothing refused
  std::string refused_address;

  bool Stopping() const { return stop && (*stop)(); }
};

// Every socket libcurl opens goes through here, so a redirect or an FTP data connection to a
// refused address is refused too (a check of the link's host name alone would miss them, and
// a DNS answer that changes between a check and the connect).
curl_socket_t OpenCheckedSocket(void* data, curlsocktype, curl_sockaddr* address) {
  auto* guard = static_cast<Guard*>(data);
  const AddressClass kind = ClassifyAddress(&address->addr);
  // FTP active mode opens its listening socket here too: this machine's own address (private
  // in most data centres) and port 0. It connects nowhere, so only link-local is refused.
  const bool listener = Port(&address->addr) == 0;
  if (kind == AddressClass::kLinkLocal ||
      (kind == AddressClass::kInternal && !guard->allow_private && !listener)) {
    guard->refused = kind;
    guard->refused_address = AddressText(&address->addr);
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

// Called by libcurl about once a second even while nothing arrives (and at every read): a
// non-zero answer cuts the transfer off (CURLE_ABORTED_BY_CALLBACK).
int AbortWhenStopping(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const Guard*>(data)->Stopping() ? 1 : 0;
}

// An FTP request without a body (NOBODY) still "writes" what MDTM and SIZE said, as header
// lines; libcurl's default would print them on stdout.
size_t Discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

void CommonOptions(CURL* curl, const FetchLimits& limits, char* error_buffer, Guard& guard) {
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Discard);
  guard.allow_private = limits.allow_private;
  guard.stop = limits.stop ? &limits.stop : nullptr;
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &guard);
  if (limits.stop) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &AbortWhenStopping);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &guard);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, limits.connect_timeout_s);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, limits.timeout_s);
  // FTP servers answer the login with a delay after a wrong password; the whole exchange of
  // commands (not the transfer) is bounded by this.
  curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, std::max(limits.connect_timeout_s, 30L));
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "upravdom/1 (import)");
}

struct Download {
  std::FILE* file = nullptr;
  long long bytes = 0;
  long long max_bytes = 0;
  bool too_large = false;
  bool write_failed = false;
  std::string head;  // the first kSniffBytes bytes
};

size_t WriteToFile(char* data, size_t size, size_t count, void* user) {
  auto* download = static_cast<Download*>(user);
  const size_t n = size * count;
  // A server that does not announce the size (HTTP chunked, some FTP servers) is cut off here.
  if (download->bytes + static_cast<long long>(n) > download->max_bytes) {
    download->too_large = true;
    return 0;
  }
  if (download->head.size() < kSniffBytes)
    download->head.append(data, std::min(n, kSniffBytes - download->head.size()));
  if (std::fwrite(data, 1, n, download->file) != n) {
    download->write_failed = true;
    return 0;
  }
  download->bytes += static_cast<long long>(n);
  return n;
}

// Looks like a web page: <!DOCTYPE html or <html after an optional BOM and whitespace.
bool LooksLikeHtml(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front())))
    head.remove_prefix(1);
  return StartsWithNoCase(head, "<!doctype html") || StartsWithNoCase(head, "<html");
}

std::string Megabytes(long long bytes) {
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " МБ";
}

// The text with its first letter in upper case (Russian or Latin).
std::string Capitalized(std::string text) {
  if (text.empty()) return text;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  if (byte(0) >= 'a' && byte(0) <= 'z') {
    text[0] = static_cast<char>(byte(0) - 'a' + 'A');
  } else if (text.size() > 1 && byte(0) == 0xD0 && byte(1) >= 0xB0 && byte(1) <= 0xBF) {
    text[1] = static_cast<char>(byte(1) - 0x20);  // а…п → А…П
  } else if (text.size() > 1 && byte(0) == 0xD1 && byte(1) >= 0x80 && byte(1) <= 0x8F) {
    text[0] = static_cast<char>(0xD0);  // р…я → Р…Я
    text[1] = static_cast<char>(byte(1) + 0x20);
  }
  return text;
}

// A failed transfer in Russian, naming the file and the server. libcurl's own (English) text
// goes to the server log only: the user gets the Russian message.
[[noreturn]] void Explain(CURLcode code, CURL* curl, const Target& target, const std::string& shown,
                          const FetchLimits& limits, const Download* download,
                          const char* error_buffer, const Guard& guard, bool login_only = false,
                          const char* field = kField) {
  if (code == CURLE_ABORTED_BY_CALLBACK && guard.Stopping())
    throw TransferAborted("the transfer of " + shown + " from " + target.host +
                          " was cut off (the server is stopping, or the run lost its lease)");
  spdlog::warn("transfer of {} ({}): curl error {} ({}){}", shown, target.host,
               static_cast<int>(code), curl_easy_strerror(code),
               *error_buffer ? std::string(": ") + error_buffer : std::string());
  // A file's failure starts with the file; a connection check's names only the server, once:
  // «Сервер «ftp.example.ru» не найден», not «FTP-сервер «…»: сервер «…» не найден».
  const std::string file = login_only ? "" : "Файл «" + shown + "»: ";
  auto say = [&](const std::string& text) {
    return file.empty() ? Capitalized(text) : file + text;
  };
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  // The address too when the host is a name, or a redirect went elsewhere.
  const std::string server = "адрес сервера «" + target.host + "»" +
                             (guard.refused_address.empty() || guard.refused_address == target.host
                                  ? ""
                                  : " (" + guard.refused_address + ")");
  // Only when no connection came about: a name with a refused and an allowed address fails
  // later for reasons of its own.
  const bool not_connected = code == CURLE_COULDNT_CONNECT || code == CURLE_FTP_CANT_GET_HOST ||
                             code == CURLE_FTP_PORT_FAILED;
  if (not_connected && guard.refused == AddressClass::kLinkLocal)
    Refuse(say(server + " — служебный (link-local): загрузка с таких адресов запрещена"), field);
  if (not_connected && guard.refused == AddressClass::kInternal)
    Refuse(
        say(server + " — внутренний (сам сервер CRM или локальная сеть): загрузка с таких адресов "
                     "запрещена настройками сервера CRM (параметр --fetch-allow-private)"),
        field);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      Refuse(say("сервер «" + target.host + "» не найден — проверьте адрес"), field);
    case CURLE_COULDNT_CONNECT:
      Refuse(say("не удалось подключиться к серверу «" + target.host +
                 "» — сервер недоступен или порт закрыт"),
             field);
    case CURLE_OPERATION_TIMEDOUT:
      Refuse(say("сервер «" + target.host + "» не ответил вовремя (не более " +
                 std::to_string(limits.timeout_s) + " с на загрузку, " +
                 std::to_string(limits.connect_timeout_s) + " с на подключение)"),
             field);
    case CURLE_LOGIN_DENIED:
      Refuse(say("FTP-сервер «" + target.host +
                 "» отклонил вход — проверьте логин и пароль в общих настройках"),
             field);
    case CURLE_REMOTE_FILE_NOT_FOUND:
      Refuse(say("файл не найден на сервере"), field);
    case CURLE_REMOTE_ACCESS_DENIED:
      // A missing directory (CWD refused) gives this too.
      Refuse(say("файл или папка не найдены на FTP-сервере, или нет доступа"), field);
    case CURLE_FILESIZE_EXCEEDED:
      Refuse(say("файл больше допустимого размера (" + Megabytes(limits.max_bytes) + ")"), field);
    case CURLE_USE_SSL_FAILED:
      Refuse(say("FTP-сервер не поддерживает защищённое соединение (AUTH TLS) — выключите "
                 "TLS в общих настройках или включите его на сервере"),
             field);
    case CURLE_PEER_FAILED_VERIFICATION:
      Refuse(say("сертификат сервера «" + target.host +
                 "» не прошёл проверку (TLS): он просрочен, выдан на другое имя или не заверен "
                 "известным центром сертификации"),
             field);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
      Refuse(
          say("не удалось установить защищённое соединение (TLS) с сервером «" + target.host + "»"),
          field);
    case CURLE_HTTP_RETURNED_ERROR:
      if (response == 404 || response == 410)
        Refuse(say("по ссылке файл не найден (HTTP " + std::to_string(response) + ")"), field);
      if (response == 401 || response == 403)
        Refuse(say("доступ по ссылке запрещён (HTTP " + std::to_string(response) + ")"), field);
      Refuse(say("сервер ответил ошибкой HTTP " + std::to_string(response)), field);
    case CURLE_TOO_MANY_REDIRECTS:
      Refuse(say("слишком много перенаправлений"), field);
    case CURLE_FTP_ACCEPT_FAILED:
    case CURLE_FTP_ACCEPT_TIMEOUT:
    case CURLE_FTP_WEIRD_PASV_REPLY:
    case CURLE_FTP_WEIRD_227_FORMAT:
    case CURLE_FTP_CANT_GET_HOST:
    case CURLE_FTP_PORT_FAILED:
      Refuse(say("не удалось открыть канал данных FTP — попробуйте другой режим "
                 "(пассивный/активный) в общих настройках"),
             field);
    case CURLE_WRITE_ERROR:
      if (download && download->too_large)
        Refuse(say("файл больше допустимого размера (" + Megabytes(limits.max_bytes) + ")"), field);
      if (download && download->write_failed)
        Refuse(say("не удалось записать временный файл (нет места на диске?)"), field);
      break;
    default:
      break;
  }
  Refuse(say("не удалось загрузить с сервера «" + target.host + "» (ошибка " +
             std::to_string(static_cast<int>(code)) + ", подробности — в журнале сервера CRM)"),
         field);
}

// The name of the file an ftp:// URL retrieves, decoded: its last path segment without
// libcurl's ";type=" suffix. Empty for a directory.
std::string FtpFileName(const std::string& url) {
  std::string name = ParsedUrl(url).Get(CURLUPART_PATH, CURLU_URLDECODE).value_or("");
  if (size_t type = name.rfind(";type="); type != std::string::npos) name.resize(type);
  return name.substr(name.rfind('/') + 1);
}

CurlHandle NewHandle() {
  EnsureCurlInitialized();
  CurlHandle curl(curl_easy_init());
  if (!curl) throw std::bad_alloc();
  return curl;
}

}  // namespace

AddressClass ClassifyAddress(const sockaddr* address) {
  if (address->sa_family == AF_INET)
    return ClassifyIpv4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  if (address->sa_family != AF_INET6) return AddressClass::kPublic;
  const in6_addr& ip = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
  const unsigned char* b = ip.s6_addr;
  if (IN6_IS_ADDR_UNSPECIFIED(&ip) || IN6_IS_ADDR_LINKLOCAL(&ip)) return AddressClass::kLinkLocal;
  if (IN6_IS_ADDR_LOOPBACK(&ip) || (b[0] & 0xFE) == 0xFC || IN6_IS_ADDR_SITELOCAL(&ip))
    return AddressClass::kInternal;  // ::1, fc00::/7, fec0::/10
  // An IPv4 address inside IPv6: mapped (::ffff:a.b.c.d, how a dual-stack socket reaches IPv4),
  // the old compatible form (::a.b.c.d) and NAT64's well-known prefix (64:ff9b::a.b.c.d).
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xFF, 0x9B};
  if (IN6_IS_ADDR_V4MAPPED(&ip) || IN6_IS_ADDR_V4COMPAT(&ip) || std::equal(b, b + 12, kNat64))
    return ClassifyIpv4(static_cast<uint32_t>(b[12]) << 24 | static_cast<uint32_t>(b[13]) << 16 |
                        static_cast<uint32_t>(b[14]) << 8 | b[15]);
  return AddressClass::kPublic;
}

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

FetchedFile FetchToTempFile(const std::string& location, const FtpSettings& ftp,
                            const FetchLimits& limits) {
  CurlHandle handle = NewHandle();
  CURL* curl = handle.get();
  const Target target = Resolve(curl, location, ftp);
  const std::string shown = Shown(location);

  const std::filesystem::path directory = limits.temp_dir.empty()
                                              ? std::filesystem::temp_directory_path()
                                              : std::filesystem::path(limits.temp_dir);
  // A download the server was killed during stays behind (up to 1 GB); every download's
  // whole time is capped at 600 s, so one an hour old is a leftover.
  RemoveStaleTempFiles(directory, "upravdom-fetch-", std::chrono::hours(1));
  std::string path = (directory / "upravdom-fetch-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) Refuse("Не удалось создать временный файл для загрузки");
  Download download;
  download.file = ::fdopen(fd, "wb");
  download.max_bytes = limits.max_bytes;
  if (!download.file) {
    ::close(fd);
    std::filesystem::remove(path);
    Refuse("Не удалось создать временный файл для загрузки");
  }
  // Whatever happens below, a failed download leaves no file behind.
  struct Cleanup {
    std::string& path;
    Download& download;
    bool keep = false;
    ~Cleanup() {
      if (download.file) std::fclose(download.file);
      std::error_code ignored;
      if (!keep) std::filesystem::remove(path, ignored);
    }
  } cleanup{path, download};

  char error_buffer[CURL_ERROR_SIZE] = "";
  Guard guard;
  CommonOptions(curl, limits, error_buffer, guard);
  curl_easy_setopt(curl, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteToFile);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &download);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
  if (target.scheme == Scheme::kHttp) {
    // A shared link (Dropbox dl=1, Яндекс.Диск) redirects to the file; stay on http(s).
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  } else {
    // MDTM: the version that was read, for DeleteRemoteFile.
    curl_easy_setopt(curl, CURLOPT_FILETIME, 1L);
    if (target.use_settings) ApplyFtpSettings(curl, ftp);
  }
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) Explain(code, curl, target, shown, limits, &download, error_buffer, guard);
  if (std::fflush(download.file) != 0)
    Refuse("Файл «" + shown + "»: не удалось записать временный файл (нет места на диске?)");

  char* content_type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type);
  const bool html_type =
      target.scheme == Scheme::kHttp && content_type && StartsWithNoCase(content_type, "text/html");
  if (html_type || LooksLikeHtml(download.head))
    Refuse("По ссылке «" + shown +
           "» получена веб-страница, а не файл выгрузки: укажите прямую ссылку на файл XML (для "
           "Dropbox — ссылку с dl=1)");
  curl_off_t modified = -1;
  if (target.scheme != Scheme::kHttp) curl_easy_getinfo(curl, CURLINFO_FILETIME_T, &modified);
  cleanup.keep = true;
  return {path, download.bytes, static_cast<long long>(modified)};
}

void DeleteRemoteFile(const std::string& location, const FtpSettings& ftp, const FetchedFile& read,
                      const FetchLimits& limits) {
  CurlHandle handle = NewHandle();
  CURL* curl = handle.get();
  const Target target = Resolve(curl, location, ftp);
  const std::string shown = Shown(location);
  if (target.scheme == Scheme::kHttp)
    Refuse("Файл «" + shown +
           "»: удалить после прочтения можно только файл на FTP-сервере, не по ссылке http(s)");
  const std::string name = FtpFileName(target.url);
  if (name.empty()) Refuse("Файл «" + shown + "»: в адресе нет имени файла");
  if (name.find_first_of("\r\n") != std::string::npos) Refuse("Файл «" + shown + "»: неверное имя");

  char error_buffer[CURL_ERROR_SIZE] = "";
  Guard guard;
  CommonOptions(curl, limits, error_buffer, guard);
  // The URL the file was read by: libcurl changes to the same directories (CWD / first for a
  // path, none for a link's path relative to the login directory), so the DELE sent after them
  // (POSTQUOTE; QUOTE would go before them) names the same file.
  curl_easy_setopt(curl, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);  // no RETR: log in, CWD, MDTM, SIZE
  curl_easy_setopt(curl, CURLOPT_FILETIME, 1L);
  if (target.use_settings) ApplyFtpSettings(curl, ftp);
  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) Explain(code, curl, target, shown, limits, nullptr, error_buffer, guard);

  // 1С may have uploaded a new version since the download: deleting it would lose it unread.
  // The file is deleted only while its size and modification time are those that were read
  // (MDTM has whole seconds: a new version of the same size within the same second passes).
  curl_off_t size = -1, modified = -1;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &size);
  curl_easy_getinfo(curl, CURLINFO_FILETIME_T, &modified);
  std::string changed;
  if (size >= 0 && size != read.bytes)
    changed = "размер " + std::to_string(read.bytes) + " → " + std::to_string(size) + " байт";
  if (modified >= 0 && read.modified >= 0 && modified != read.modified)
    changed += (changed.empty() ? "" : ", ") + std::string("время изменения другое");
  if (!changed.empty())
    Refuse("Файл «" + shown + "»: изменился на FTP-сервере после загрузки (" + changed +
           ") — новая версия оставлена и будет загружена при следующем запуске");
  if (size < 0 && (modified < 0 || read.modified < 0))
    Refuse("Файл «" + shown +
           "»: FTP-сервер не сообщает размер и время изменения файла, поэтому нельзя убедиться, "
           "что это прочитанная версия — файл оставлен на сервере");

  std::unique_ptr<curl_slist, SlistDeleter> commands(
      curl_slist_append(nullptr, ("DELE " + name).c_str()));
  if (!commands) throw std::bad_alloc();
  // The same handle: the logged-in connection is reused, right after the check.
  curl_easy_setopt(curl, CURLOPT_FILETIME, 0L);
  curl_easy_setopt(curl, CURLOPT_POSTQUOTE, commands.get());
  code = curl_easy_perform(curl);
  if (code == CURLE_QUOTE_ERROR)
    Refuse("Файл «" + shown + "»: FTP-сервер не дал удалить файл (нет прав или файла уже нет)");
  if (code != CURLE_OK) Explain(code, curl, target, shown, limits, nullptr, error_buffer, guard);
}

void CheckFtpConnection(const FtpSettings& ftp, const FetchLimits& limits) {
  CurlHandle handle = NewHandle();
  CURL* curl = handle.get();
  const Target target{Scheme::kFtpPath, "ftp://" + FtpAuthority(ftp, "ftp_host") + "/", ftp.host,
                      true};
  char error_buffer[CURL_ERROR_SIZE] = "";
  Guard guard;
  CommonOptions(curl, limits, error_buffer, guard);
  curl_easy_setopt(curl, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);  // connect and log in, no listing
  ApplyFtpSettings(curl, ftp);
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK)
    Explain(code, curl, target, target.url, limits, nullptr, error_buffer, guard,
            /*login_only=*/true, "ftp_host");
}

std::string ShownLocation(const std::string& location) {
  return Shown(location);
}

}  // namespace upravdom::exchange
