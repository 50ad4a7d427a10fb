#include "domains/exchange/settings_service.hpp"

#include "core/error.hpp"
#include "core/json_input.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "domains/exchange/fetch.hpp"
#include "domains/exchange/schedule.hpp"

namespace upravdom::exchange {

namespace {

constexpr size_t kMaxListItems = 20;

bool HasControl(const std::string& text, bool or_space) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f || (or_space && c == ' ')) return true;
  return false;
}

// The addresses as the API shows them: a login and password a link was saved with before
// such links were refused is masked («https://…@host/…»); saving it back is refused.
std::vector<std::string> ShownPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> shown;
  shown.reserve(paths.size());
  for (const std::string& path : paths) shown.push_back(ShownLocation(path));
  return shown;
}

}  // namespace

std::optional<std::string> CheckHost(const std::string& host) {
  const std::string hint =
      "Сервер FTP: укажите имя или IP-адрес без протокола и пути, например ftp.example.ru";
  if (host.size() > 253) return hint;
  if (host.find("://") != std::string::npos || host.find('/') != std::string::npos) return hint;
  for (char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '_')
      return hint;
  return std::nullopt;
}

std::optional<std::string> CheckLocation(const std::string& location) {
  const std::string hint = "Адрес файла «" + location +
                           "»: укажите путь на FTP-сервере от корня (/папка/файл.xml) или "
                           "прямую ссылку http://, https:// или ftp://";
  // The addresses are kept as one comma-separated list.
  if (location.find(',') != std::string::npos)
    return "Адрес файла не может содержать запятую: запятой разделяются адреса";
  // A path on the FTP server may have spaces (the download encodes them); a link is a URL.
  const bool path = location.rfind("/", 0) == 0;
  if (location.size() > 2000 || HasControl(location, !path)) return hint;
  if (path) return location.size() > 1 ? std::nullopt : std::optional(hint);
  for (const char* scheme : {"http://", "https://", "ftp://"}) {
    const std::string prefix = scheme;
    if (location.rfind(prefix, 0) == 0) {
      std::string rest = location.substr(prefix.size());
      std::string host = rest.substr(0, rest.find_first_of("/?#"));
      // A login and password in a link would be stored and shown as they are; the FTP
      // password is kept encrypted in «Общие настройки». (Not quoted back: it has the password.)
      if (host.find('@') != std::string::npos)
        return "В ссылке на файл не указываются логин и пароль: для FTP-сервера укажите их в "
               "«Общие настройки», а файл — путём от корня (/папка/файл.xml)";
      if (host.empty()) return hint;
      return std::nullopt;
    }
  }
  return hint;
}

nlohmann::json SettingsService::Get(long long organization_id) {
  ExchangeSettings s = repository_.Find(organization_id).value_or(ExchangeSettings{});
  const std::string now = timeutil::NowIso();
  auto optional = [](const std::optional<std::string>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"ftp_host", s.ftp_host},
          {"ftp_port", s.ftp_port},
          {"ftp_user", s.ftp_user},
          {"ftp_password_set", s.ftp_password_enc.has_value()},
          {"ftp_passive", s.ftp_passive},
          {"ftp_tls", s.ftp_tls},
          {"method", s.method},
          {"report_emails", s.report_emails},
          {"paths", ShownPaths(s.paths)},
          {"delete_after_read", s.delete_after_read},
          {"schedule_minute", s.schedule.minute},
          {"schedule_hour", s.schedule.hour},
          {"schedule_day", s.schedule.day},
          {"schedule_month", s.schedule.month},
          {"schedule_weekday", s.schedule.weekday},
          {"schedule_enabled", s.schedule_enabled},
          {"space", s.space},
          {"source", s.source},
          {"next_run_at", s.schedule_enabled ? optional(s.next_run_at) : nlohmann::json(nullptr)},
          {"last_run_at", optional(s.last_run_at)},
          {"running", s.lease_until && *s.lease_until > now}};
}

nlohmann::json SettingsService::Update(long long organization_id, const nlohmann::json& body) {
  const std::optional<ExchangeSettings> saved = repository_.Find(organization_id);
  // What was saved, to compare with: the sealed password belongs to the server and login it
  // was given for, and the next run is kept while the schedule stays (both below).
  const ExchangeSettings before = saved.value_or(ExchangeSettings{});
  ExchangeSettings s = before;
  s.organization_id = organization_id;
  BodyReader in(body);
  auto text = [&](const std::string& name, std::string& target, size_t max_length,
                  bool trim = true) {
    if (!in.Has(name)) return false;
    auto value = in.Text(name, {.max_length = max_length, .trim = trim});
    if (!in.HasError(name)) target = value.value_or("");
    return !in.HasError(name);
  };
  auto flag = [&](const std::string& name, bool& target) {
    if (auto value = in.Bool(name)) target = *value;
  };
  auto list = [&](const std::string& name, std::vector<std::string>& target) {
    if (!in.Has(name)) return false;
    auto items = in.StringList(name);
    if (in.HasError(name)) return false;
    target.clear();
    for (std::string item : items.value_or(std::vector<std::string>{})) {
      size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
      if (b != std::string::npos) target.push_back(item.substr(b, e - b + 1));
    }
    return true;
  };

  if (text("ftp_host", s.ftp_host, 253))
    if (auto problem = CheckHost(s.ftp_host)) in.Fail("ftp_host", *problem);
  if (in.Has("ftp_port") && !in.IsNull("ftp_port")) {
    const nlohmann::json& port = body.at("ftp_port");
    if (!port.is_number_integer() || port.get<long long>() < 1 || port.get<long long>() > 65535)
      in.Fail("ftp_port", "Порт FTP: целое число от 1 до 65535");
    else
      s.ftp_port = port.get<int>();
    in.Integer("ftp_port", {});  // marks the field as known
  }
  text("ftp_user", s.ftp_user, 200);
  if (in.Has("ftp_password")) {
    std::string password;
    if (text("ftp_password", password, 200, /*trim=*/false))
      s.ftp_password_enc =
          password.empty() ? std::nullopt : std::optional<std::string>(secrets_.Seal(password));
  }
  flag("ftp_passive", s.ftp_passive);
  flag("ftp_tls", s.ftp_tls);
  // A stored password goes to the server it was typed for, never to another one: changing the
  // server, port or login without typing the password again drops it (else an admin could
  // point the settings at a host of their own and receive the password at the next run); so
  // does turning TLS off (it would go over the network in clear text).
  if (!in.Has("ftp_password") && (s.ftp_host != before.ftp_host || s.ftp_port != before.ftp_port ||
                                  s.ftp_user != before.ftp_user || (before.ftp_tls && !s.ftp_tls)))
    s.ftp_password_enc = std::nullopt;
  if (text("method", s.method, 50) && s.method != "links")
    in.Fail("method", "Метод импорта: доступны только ссылки на XML-файлы (links)");
  if (list("report_emails", s.report_emails)) {
    if (s.report_emails.size() > kMaxListItems)
      in.Fail("report_emails", "Уведомлять на email: не больше 20 адресов");
    for (const std::string& email : s.report_emails)
      if (auto problem = validation::CheckEmail(email)) {
        in.Fail("report_emails", "Уведомлять на email: «" + email + "» — " + *problem);
        break;
      }
  }
  if (list("paths", s.paths)) {
    if (s.paths.size() > kMaxListItems) in.Fail("paths", "Адрес файла(ов): не больше 20 адресов");
    for (const std::string& location : s.paths)
      if (auto problem = CheckLocation(location)) {
        in.Fail("paths", *problem);
        break;
      }
  }
  flag("delete_after_read", s.delete_after_read);
  text("schedule_minute", s.schedule.minute, 200);
  text("schedule_hour", s.schedule.hour, 200);
  text("schedule_day", s.schedule.day, 200);
  text("schedule_month", s.schedule.month, 200);
  text("schedule_weekday", s.schedule.weekday, 200);
  flag("schedule_enabled", s.schedule_enabled);
  if (text("space", s.space, 50) && s.space != "operations" && s.space != "construction")
    in.Fail("space", "Пространство: operations или construction");
  if (text("source", s.source, 50) && s.source.empty())
    in.Fail("source", "Учётная система: обязательное поле");

  // Rules across fields, once every field read well.
  std::optional<Schedule> schedule;
  try {
    schedule = ParseSchedule(s.schedule);
  } catch (const ApiError& error) {
    for (const auto& [field, message] : error.fields())
      if (!in.HasError(field)) in.Fail(field, message);
  }
  if (!in.HasError("paths")) {
    if (s.schedule_enabled && s.paths.empty())
      in.Fail("paths", "Адрес файла(ов): укажите хотя бы один файл для импорта по расписанию");
    for (const std::string& location : s.paths)
      if (location.rfind("/", 0) == 0 && s.ftp_host.empty()) {
        in.Fail("paths", "Адрес файла «" + location +
                             "» — путь на FTP-сервере: заполните сервер FTP в «Общих настройках»");
        break;
      }
  }
  in.Finish();

  // The next slot is computed again only when the schedule changed: saving another field
  // just after a slot came due would move it past the slot, and the run would be skipped.
  const bool schedule_kept =
      saved && s.schedule_enabled == before.schedule_enabled && s.schedule == before.schedule;
  if (!schedule_kept) {
    s.next_run_at = std::nullopt;
    if (s.schedule_enabled && schedule)
      if (auto next = NextRun(*schedule, std::chrono::system_clock::now(), timezone_offset_))
        s.next_run_at = timeutil::ToIso(*next);
  }
  repository_.Save(s, schedule_kept);
  return Get(organization_id);
}

nlohmann::json SettingsService::CheckFtp(long long organization_id, const nlohmann::json& body) {
  ExchangeSettings s = repository_.Find(organization_id).value_or(ExchangeSettings{});
  BodyReader in(body);
  FtpSettings ftp{s.ftp_host, s.ftp_port, s.ftp_user, "", s.ftp_passive, s.ftp_tls};
  if (auto host = in.Text("ftp_host", {.max_length = 253})) ftp.host = *host;
  if (auto port = in.Integer("ftp_port", {.min = 1, .max = 65535}))
    ftp.port = static_cast<int>(*port);
  if (in.Has("ftp_user")) ftp.user = in.Text("ftp_user", {.max_length = 200}).value_or("");
  std::optional<std::string> password;
  if (in.Has("ftp_password"))
    password = in.Text("ftp_password", {.max_length = 200, .trim = false}).value_or("");
  if (auto passive = in.Bool("ftp_passive")) ftp.passive = *passive;
  if (auto tls = in.Bool("ftp_tls")) ftp.tls = *tls;
  if (ftp.host.empty())
    in.Fail("ftp_host", "Сервер FTP: обязательное поле");
  else if (auto problem = CheckHost(ftp.host))
    in.Fail("ftp_host", *problem);
  in.Finish();
  if (password) {
    ftp.password = *password;
  } else if (s.ftp_password_enc && ftp.host == s.ftp_host && ftp.port == s.ftp_port &&
             ftp.user == s.ftp_user && (ftp.tls || !s.ftp_tls)) {
    // The stored password only for the server and login it was saved with (see Update).
    try {
      ftp.password = secrets_.Open(*s.ftp_password_enc);
    } catch (const std::exception&) {
      ThrowFieldError("ftp_password",
                      "Пароль FTP не удалось расшифровать (ключ сервера заменён): введите его "
                      "заново");
    }
  }
  CheckFtpConnection(
      ftp, {.connect_timeout_s = 10, .timeout_s = 30, .allow_private = fetch_allow_private_});
  return {{"ok", true}, {"message", "Соединение с FTP-сервером " + ftp.host + " установлено"}};
}

}  // namespace upravdom::exchange
