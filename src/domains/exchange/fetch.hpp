// Downloading an import file (SPEC I-4, I-6; docs/import-xml.md «Источники»): from the
// organisation's FTP server by an absolute path, or by an ftp:// or http(s):// link (a
// Dropbox link with dl=1 is one), with libcurl, into a temporary file the caller removes.
// The file is never held in memory: it goes to disk as it arrives, with a size cap.
#pragma once

#include <sys/socket.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace upravdom::exchange {

struct FtpSettings {  // the organisation's «Общие настройки»
  std::string host;
  int port = 21;
  std::string user;
  std::string password;  // plain here
  bool passive = true;
  bool tls = false;  // explicit TLS (AUTH TLS, CURLUSESSL_ALL)
};

struct FetchLimits {
  long long max_bytes = 1LL << 30;
  long connect_timeout_s = 15;
  long timeout_s = 600;
  std::string temp_dir;  // where the download goes; empty: the system's temp directory
  // Loopback and private addresses (AddressClass::kInternal) are refused unless the server's
  // configuration allows them (--fetch-allow-private: an on-premise install whose 1С or FTP
  // server is on the LAN); else an organisation's admin could make the server talk to the
  // services beside it. Link-local and unspecified addresses are refused always.
  bool allow_private = false;
  // Asked about once a second during a transfer (and at every read): true cuts it off
  // (TransferAborted) — the server is stopping, or a scheduled run lost its lease to another
  // instance —, instead of going on until the timeout. Empty: never cut off.
  std::function<bool()> stop;
};

struct FetchedFile {  // a temp file, caller removes
  std::string path;
  long long bytes = 0;
  // The FTP file's modification time (MDTM, Unix seconds) when it was read; -1 for a link or
  // a server that does not tell. DeleteRemoteFile compares it (and `bytes`) before deleting.
  long long modified = -1;
};

// A transfer cut off because FetchLimits::stop said so: not the user's error; the caller
// knows why (Scheduler: the server stopping, or the run's lease lost).
class TransferAborted : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `location` is one entry of «Адрес файла(ов)»: an absolute FTP path ("/sber/offers.xml",
// fetched from `ftp`, from the server's root whatever directory the login lands in) or an
// http(s):// or ftp:// URL (whose path, as in any ftp:// URL, is from the login directory). Throws
// ApiError (Russian message, field "paths") on: unreachable host, login refused, file not found,
// over max_bytes, an HTML page instead of XML («По ссылке … получена веб-страница, а не файл
// выгрузки …»), a refused address (ClassifyAddress; redirects and FTP data connections included);
// libcurl's own text of a failure goes to the server log. TransferAborted when limits.stop says so.
FetchedFile FetchToTempFile(const std::string& location, const FtpSettings& ftp,
                            const FetchLimits& limits);

// Deletes an FTP file after it was read successfully («Удалять файлы выгрузки после
// прочтения»): FTP DELE of exactly the file FetchToTempFile read (the same URL, so the same
// directory changes), and only while it is that file: when its size or modification time on
// the server differ from `read` (1С uploaded a new version in between), it is left there and
// ApiError says so; the next run reads the new one. A link (http/https) cannot be deleted:
// ApiError. Throws ApiError (field "paths") when the server refuses, TransferAborted on stop.
void DeleteRemoteFile(const std::string& location, const FtpSettings& ftp, const FetchedFile& read,
                      const FetchLimits& limits = {});
// The location as messages, logs and reports show it: a link's user and password replaced by
// «…» (ftp://…@host/path).
std::string ShownLocation(const std::string& location);

// Connects and logs in to the FTP server only («Проверить соединение»). Throws ApiError
// (field "ftp_host"/"ftp_user"… as apt) with the same clear messages as FetchToTempFile.
void CheckFtpConnection(const FtpSettings& ftp, const FetchLimits& limits = {});

// Where a connection may go (FetchLimits::allow_private). kInternal: loopback (127.0.0.0/8,
// ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7, the old site-local fec0::/10) and
// shared/CGNAT (100.64/10). kLinkLocal: link-local (169.254/16 — a cloud's metadata service
// with the server's credentials —, fe80::/10) and unspecified (0.0.0.0/8, ::). IPv4-mapped
// IPv6 (::ffff:a.b.c.d) is classed by its IPv4 address. Exposed for the unit tests.
enum class AddressClass { kPublic, kInternal, kLinkLocal };
AddressClass ClassifyAddress(const sockaddr* address);

// Initialises libcurl once per process (curl_global_init is not thread-safe); every
// function here calls it, main may call it first.
void EnsureCurlInitialized();

}  // namespace upravdom::exchange
