// The organisation's exchange settings (SPEC I-4, I-5; «Настройки» → «Интеграция» → «Обмен
// данными»: «Общие настройки» and «Импорт»): reading them without the password, checking and
// saving them (the FTP password sealed, the next slot of the schedule computed), and the
// FTP connection check.
#pragma once

#include <chrono>

#include <nlohmann/json.hpp>

#include "core/secret_box.hpp"
#include "domains/exchange/settings_repository.hpp"

namespace upravdom::exchange {

class SettingsService {
 public:
  // `fetch_allow_private`: the server's --fetch-allow-private, for the FTP check (fetch.hpp).
  SettingsService(SettingsRepository& repository, SecretBox& secrets,
                  std::chrono::minutes timezone_offset, bool fetch_allow_private = false)
      : repository_(repository),
        secrets_(secrets),
        timezone_offset_(timezone_offset),
        fetch_allow_private_(fetch_allow_private) {}

  // The settings as the API shows them: never the password, only `ftp_password_set`.
  nlohmann::json Get(long long organization_id);
  // PUT: every field is optional (absent = kept); `ftp_password` absent keeps it, "" or null
  // clears it. 422 naming each wrong field in Russian.
  nlohmann::json Update(long long organization_id, const nlohmann::json& body);
  // Connects and logs in with the form's FTP fields (absent ones: the saved ones; the saved
  // password when none is given). ApiError with the reason when it fails.
  nlohmann::json CheckFtp(long long organization_id, const nlohmann::json& body);

  void set_timezone_offset(std::chrono::minutes offset) { timezone_offset_ = offset; }

 private:
  SettingsRepository& repository_;
  SecretBox& secrets_;
  std::chrono::minutes timezone_offset_;
  bool fetch_allow_private_;
};

// Checks of the fields (exposed for the unit tests): nullopt when fine, else the Russian
// message.
std::optional<std::string> CheckHost(const std::string& host);
std::optional<std::string> CheckLocation(const std::string& location);

}  // namespace upravdom::exchange
