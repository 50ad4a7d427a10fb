#include "domains/exchange/fetch.hpp"

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
#include <string_view>

#include "core/error.hpp"

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
  const size_t at = location.rfind('@', slash == std::string::npos ? location.size() : slash);
  if (at == std::string::npos || at < host) return location;
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

std::string UrlHost(const std::string& url) {
  const size_t start = url.find("://") + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string::npos) end = url.size();
  std::string authority = url.substr(start, end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  if (!authority.empty() && authority.front() == '[')
    return authority.substr(1, authority.find(']') - 1);
  if (size_t colon = authority.find(':'); colon != std::string::npos) authority.resize(colon);
  return authority;
}

Target Resolve(CURL* curl, const std::string& raw_location, const FtpSettings& ftp) {
  std::string location = raw_location;
  location.erase(0, location.find_first_not_of(" \t"));
  while (!location.empty() && std::isspace(static_cast<unsigned char>(location.back())))
    location.pop_back();
  if (location.empty()) Refuse("Пустой адрес файла");
  if (location.front() == '/') {
    Target target{Scheme::kFtpPath, "ftp://" + FtpAuthority(ftp) + EncodePath(curl, location),
                  ftp.host, true};
    return target;
  }
  if (StartsWithNoCase(location, "http://") || StartsWithNoCase(location, "https://"))
    return {Scheme::kHttp, location, UrlHost(location), false};
  if (StartsWithNoCase(location, "ftp://")) {
    const std::string host = UrlHost(location);
    // A link to the organisation's own FTP server, without a login in it, logs in as the
    // settings say; any other ftp:// link is anonymous or carries its own login.
    const bool own = !ftp.host.empty() && Lower(host) == Lower(ftp.host) &&
                     location.find('@', 6) == std::string::npos;
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

// Set when a connection was refused by RefuseLinkLocal on this thread (for the message).
thread_local bool tl_refused_address = false;

// Whether an address is link-local (169.254.0.0/16, fe80::/10: a cloud's metadata service
// lives there, with the server's credentials) or unspecified. No import file is ever there;
// an organisation's FTP server or link may be on a private network (an on-premise 1С), so
// private and loopback addresses stay allowed.
bool IsLinkLocalOrUnspecified(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    const uint32_t ip = ntohl(in->sin_addr.s_addr);
    return (ip >> 16) == 0xA9FE || ip == 0;  // 169.254/16, 0.0.0.0
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    const unsigned char* b = in6->sin6_addr.s6_addr;
    if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
      return true;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
      return (b[12] == 169 && b[13] == 254) ||
             (b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 0);
  }
  return false;
}

curl_socket_t RefuseLinkLocal(void*, curlsocktype, curl_sockaddr* address) {
  if (IsLinkLocalOrUnspecified(&address->addr)) {
    tl_refused_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

void CommonOptions(CURL* curl, const FetchLimits& limits, char* error_buffer) {
  tl_refused_address = false;
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &RefuseLinkLocal);
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

// A failed transfer in Russian, naming the file and the server.
[[noreturn]] void Explain(CURLcode code, CURL* curl, const Target& target, const std::string& shown,
                          const FetchLimits& limits, const Download* download,
                          const char* error_buffer, bool login_only = false,
                          const char* field = kField) {
  // A file's failure starts with the file; a connection check's names only the server, once:
  // «Сервер «ftp.example.ru» не найден», not «FTP-сервер «…»: сервер «…» не найден».
  const std::string file = login_only ? "" : "Файл «" + shown + "»: ";
  auto say = [&](const std::string& text) {
    return file.empty() ? Capitalized(text) : file + text;
  };
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  if (tl_refused_address)
    Refuse(say("адрес сервера «" + target.host +
               "» — служебный (link-local): загрузка с таких адресов запрещена"),
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
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      Refuse(say(std::string("ошибка защищённого соединения (TLS): ") + error_buffer), field);
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
                 "(пассивный/активный) в общих настройках (" +
                 std::string(error_buffer) + ")"),
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
  Refuse(say("не удалось загрузить (" +
             std::string(*error_buffer ? error_buffer : curl_easy_strerror(code)) + ")"),
         field);
}

CurlHandle NewHandle() {
  EnsureCurlInitialized();
  CurlHandle curl(curl_easy_init());
  if (!curl) throw std::bad_alloc();
  return curl;
}

}  // namespace

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
  CommonOptions(curl, limits, error_buffer);
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
  } else if (target.use_settings) {
    ApplyFtpSettings(curl, ftp);
  }
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) Explain(code, curl, target, shown, limits, &download, error_buffer);
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
  cleanup.keep = true;
  return {path, download.bytes};
}

void DeleteRemoteFile(const std::string& location, const FtpSettings& ftp) {
  CurlHandle handle = NewHandle();
  CURL* curl = handle.get();
  const Target target = Resolve(curl, location, ftp);
  const std::string shown = Shown(location);
  if (target.scheme == Scheme::kHttp)
    Refuse("Файл «" + shown +
           "»: удалить после прочтения можно только файл на FTP-сервере, не по ссылке http(s)");
  // libcurl sends CURLOPT_QUOTE before it changes directory: DELE takes the whole path, on a
  // connection to the server's root.
  const size_t authority = target.url.find('/', target.url.find("://") + 3);
  if (authority == std::string::npos || target.url.back() == '/')
    Refuse("Файл «" + shown + "»: в адресе нет имени файла");
  const std::string directory = target.url.substr(0, authority + 1);
  std::string name = target.url.substr(authority);
  int length = 0;
  char* decoded = curl_easy_unescape(curl, name.c_str(), static_cast<int>(name.size()), &length);
  if (!decoded) throw std::bad_alloc();
  name.assign(decoded, static_cast<size_t>(length));
  curl_free(decoded);
  if (name.find_first_of("\r\n") != std::string::npos) Refuse("Файл «" + shown + "»: неверное имя");

  std::unique_ptr<curl_slist, SlistDeleter> commands(
      curl_slist_append(nullptr, ("DELE " + name).c_str()));
  char error_buffer[CURL_ERROR_SIZE] = "";
  const FetchLimits limits;
  CommonOptions(curl, limits, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, directory.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);  // no listing: log in, CWD, DELE
  curl_easy_setopt(curl, CURLOPT_QUOTE, commands.get());
  if (target.use_settings) ApplyFtpSettings(curl, ftp);
  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_QUOTE_ERROR)
    Refuse("Файл «" + shown + "»: FTP-сервер не дал удалить файл (нет прав или файла уже нет)");
  if (code != CURLE_OK) Explain(code, curl, target, shown, limits, nullptr, error_buffer);
}

void CheckFtpConnection(const FtpSettings& ftp, const FetchLimits& limits) {
  CurlHandle handle = NewHandle();
  CURL* curl = handle.get();
  const Target target{Scheme::kFtpPath, "ftp://" + FtpAuthority(ftp, "ftp_host") + "/", ftp.host,
                      true};
  char error_buffer[CURL_ERROR_SIZE] = "";
  CommonOptions(curl, limits, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);  // connect and log in, no listing
  ApplyFtpSettings(curl, ftp);
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK)
    Explain(code, curl, target, target.url, limits, nullptr, error_buffer, /*login_only=*/true,
            "ftp_host");
}

std::string ShownLocation(const std::string& location) {
  return Shown(location);
}

}  // namespace upravdom::exchange
