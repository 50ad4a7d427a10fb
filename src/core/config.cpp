#include "core/config.hpp"

#include <stdexcept>

namespace upravdom {

CommandLine ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine result;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      result.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      result.options[name.substr(0, eq)] = name.substr(eq + 1);
    } else if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
      result.options[name] = args[++i];
    } else {
      throw std::invalid_argument("Параметр --" + name + " требует значения");
    }
  }
  return result;
}

namespace {

std::optional<std::string> Pick(const CommandLine& command_line, const Environment& environment,
                                const std::string& flag, const std::string& variable) {
  if (auto it = command_line.options.find(flag); it != command_line.options.end())
    return it->second;
  if (auto value = environment(variable); value && !value->empty()) return value;
  return std::nullopt;
}

long long ParseNumber(const std::string& text, const std::string& what, long long min,
                      long long max) {
  bool digits = !text.empty() && text.size() <= 9 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoll(text) < min || std::stoll(text) > max)
    throw std::invalid_argument(what + ": ожидается число от " + std::to_string(min) + " до " +
                                std::to_string(max) + ", получено «" + text + "»");
  return std::stoll(text);
}

}  // namespace

Config ResolveConfig(const CommandLine& command_line, const Environment& environment) {
  Config config;
  if (auto v = Pick(command_line, environment, "db", "UPRAVDOM_DB")) config.db_url = *v;
  if (auto v = Pick(command_line, environment, "host", "UPRAVDOM_HOST")) config.host = *v;
  if (auto v = Pick(command_line, environment, "port", "UPRAVDOM_PORT"))
    config.port = static_cast<unsigned short>(ParseNumber(*v, "Порт", 1, 65535));
  if (auto v = Pick(command_line, environment, "web", "UPRAVDOM_WEB")) config.web_dir = *v;
  if (auto v = Pick(command_line, environment, "threads", "UPRAVDOM_THREADS"))
    config.threads = static_cast<int>(ParseNumber(*v, "Число потоков", 1, 256));
  if (auto v = Pick(command_line, environment, "log-level", "UPRAVDOM_LOG_LEVEL")) {
    if (*v != "debug" && *v != "info" && *v != "warn" && *v != "error" && *v != "off")
      throw std::invalid_argument("Уровень журнала: debug, info, warn, error или off");
    config.log_level = *v;
  }
  if (auto v = Pick(command_line, environment, "secure-cookies", "UPRAVDOM_SECURE_COOKIES"))
    config.secure_cookies = *v == "1" || *v == "true";
  if (auto v = Pick(command_line, environment, "sms-sink", "UPRAVDOM_SMS_SINK"))
    config.sms_sink = *v;
  if (auto v = Pick(command_line, environment, "secret-key-file", "UPRAVDOM_SECRET_KEY_FILE"))
    config.secret_key_file = *v;
  if (auto v = Pick(command_line, environment, "smtp-url", "UPRAVDOM_SMTP_URL")) {
    if (v->rfind("smtp://", 0) != 0 && v->rfind("smtps://", 0) != 0)
      throw std::invalid_argument("Адрес SMTP-сервера: smtp://хост:порт или smtps://хост:порт");
    config.smtp_url = *v;
  }
  if (auto v = Pick(command_line, environment, "smtp-user", "UPRAVDOM_SMTP_USER"))
    config.smtp_user = *v;
  if (auto v = Pick(command_line, environment, "smtp-password", "UPRAVDOM_SMTP_PASSWORD"))
    config.smtp_password = *v;
  if (auto v = Pick(command_line, environment, "smtp-from", "UPRAVDOM_SMTP_FROM"))
    config.smtp_from = *v;
  if (auto v = Pick(command_line, environment, "smtp-starttls", "UPRAVDOM_SMTP_STARTTLS"))
    config.smtp_starttls = *v == "1" || *v == "true";
  if (auto v = Pick(command_line, environment, "scheduler-poll-ms", "UPRAVDOM_SCHEDULER_POLL_MS"))
    config.scheduler_poll_ms =
        static_cast<int>(ParseNumber(*v, "Период опроса расписания (мс)", 100, 30000));
  if (auto v =
          Pick(command_line, environment, "fetch-allow-private", "UPRAVDOM_FETCH_ALLOW_PRIVATE")) {
    // Strict: a security switch that silently reads «yes» as off (or a typo as on) misleads.
    if (*v != "1" && *v != "true" && *v != "0" && *v != "false")
      throw std::invalid_argument(
          "--fetch-allow-private: ожидается 1, true, 0 или false, получено «" + *v + "»");
    config.fetch_allow_private = *v == "1" || *v == "true";
  }
  if (auto v = Pick(command_line, environment, "timezone-offset", "UPRAVDOM_TIMEZONE_OFFSET")) {
    // Whole hours, signed: "3", "+3", "-5".
    std::string digits = (*v)[0] == '+' || (*v)[0] == '-' ? v->substr(1) : *v;
    long long hours = ParseNumber(digits, "Часовой пояс расписания (часы от UTC)", 0, 14);
    config.timezone_offset_minutes = static_cast<int>(((*v)[0] == '-' ? -hours : hours) * 60);
  }
  return config;
}

}  // namespace upravdom
