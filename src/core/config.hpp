// Command-line and environment configuration. Pure: the environment is passed in, so the
// rules (flag beats variable beats default) are unit-tested.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace upravdom {

struct CommandLine {
  std::vector<std::string> positional;         // sub-command words and arguments
  std::map<std::string, std::string> options;  // "--db x" and "--db=x" → {"db": "x"}
};

// Throws std::invalid_argument (Russian message) on a flag without a value.
CommandLine ParseCommandLine(const std::vector<std::string>& args);

using Environment = std::function<std::optional<std::string>(const std::string&)>;

struct Config {
  std::string db_url = "sqlite:data/upravdom.db";
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string web_dir;  // empty = do not serve the UI
  int threads = 4;
  std::string log_level = "info";
  bool secure_cookies = false;
  // The resident app's SMS: empty = the development sender (the server log); a path = one
  // JSON line per message appended to that file (tests, local tooling).
  std::string sms_sink;
  // Data exchange (docs/ARCHITECTURE.md «Data exchange: schedule and mail»): the key file of
  // the sealed FTP passwords (empty = DefaultSecretKeyFile(db_url)), the SMTP server of the
  // report e-mails (empty smtp_url = the report is written to the server log), how often the
  // scheduler looks for due runs, and the schedules' time zone (Moscow: +3 hours).
  std::string secret_key_file;
  std::string smtp_url;  // smtp://host:port or smtps://host:port
  std::string smtp_user;
  std::string smtp_password;
  std::string smtp_from = "upravdom@localhost";
  bool smtp_starttls = false;  // smtp:// upgraded with STARTTLS (required when set)
  int scheduler_poll_ms = 30000;
  int timezone_offset_minutes = 180;
  // Whether the import may fetch from loopback and private addresses (127/8, 10/8, 172.16/12,
  // 192.168/16, 100.64/10, ::1, fc00::/7): off, so an organisation's admin cannot point a link
  // or the FTP server at the services beside the CRM; on for an on-premise install whose 1С or
  // FTP server is on the LAN. Link-local addresses stay refused (fetch.hpp).
  bool fetch_allow_private = false;
};

// Flags win over UPRAVDOM_* variables, which win over defaults. Throws
// std::invalid_argument on a bad port, thread count or log level.
Config ResolveConfig(const CommandLine& command_line, const Environment& environment);

}  // namespace upravdom
