// Downloading an import file (SPEC I-4, I-6; docs/import-xml.md «Источники»): from the
// organisation's FTP server by an absolute path, or by an ftp:// or http(s):// link (a
// Dropbox link with dl=1 is one), with libcurl, into a temporary file the caller removes.
// The file is never held in memory: it goes to disk as it arrives, with a size cap.
#pragma once

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
};

struct FetchedFile {  // a temp file, caller removes
  std::string path;
  long long bytes = 0;
};

// `location` is one entry of «Адрес файла(ов)»: an absolute FTP path ("/sber/offers.xml",
// fetched from `ftp`) or an http(s):// or ftp:// URL. Throws ApiError (Russian message,
// field "paths") on: unreachable host, login refused, file not found, over max_bytes,
// an HTML page instead of XML («По ссылке … получена веб-страница, а не файл выгрузки …»).
FetchedFile FetchToTempFile(const std::string& location, const FtpSettings& ftp,
                            const FetchLimits& limits);

// Deletes an FTP file after it was read successfully («Удалять файлы выгрузки после
// прочтения»): FTP DELE. A link (http/https) cannot be deleted: ApiError. Throws ApiError
// (field "paths") when the server refuses.
void DeleteRemoteFile(const std::string& location, const FtpSettings& ftp);
// The location as messages, logs and reports show it: a link's user and password replaced by
// «…» (ftp://…@host/path).
std::string ShownLocation(const std::string& location);

// Connects and logs in to the FTP server only («Проверить соединение»). Throws ApiError
// (field "ftp_host"/"ftp_user"… as apt) with the same clear messages as FetchToTempFile.
void CheckFtpConnection(const FtpSettings& ftp, const FetchLimits& limits = {});

// Initialises libcurl once per process (curl_global_init is not thread-safe); every
// function here calls it, main may call it first.
void EnsureCurlInitialized();

}  // namespace upravdom::exchange
