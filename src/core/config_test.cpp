#include "core/config.hpp"

#include <gtest/gtest.h>

using namespace upravdom;

namespace {
Environment Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

TEST(CommandLine, SplitsWordsAndOptions) {
  CommandLine cl =
      ParseCommandLine({"user", "create", "--org", "3", "--login=ivan", "--role", "admin"});
  EXPECT_EQ(cl.positional, (std::vector<std::string>{"user", "create"}));
  EXPECT_EQ(cl.options.at("org"), "3");
  EXPECT_EQ(cl.options.at("login"), "ivan");
  EXPECT_EQ(cl.options.at("role"), "admin");
}

TEST(CommandLine, RejectsFlagWithoutValue) {
  EXPECT_THROW(ParseCommandLine({"serve", "--port"}), std::invalid_argument);
  EXPECT_THROW(ParseCommandLine({"serve", "--port", "--db", "x"}), std::invalid_argument);
}

TEST(Config, DefaultsWhenNothingGiven) {
  Config config = ResolveConfig(ParseCommandLine({"serve"}), Env({}));
  EXPECT_EQ(config.db_url, "sqlite:data/upravdom.db");
  EXPECT_EQ(config.port, 8080);
  EXPECT_EQ(config.host, "127.0.0.1");
}

TEST(Config, FlagBeatsEnvironment) {
  Config config =
      ResolveConfig(ParseCommandLine({"serve", "--port", "9000"}),
                    Env({{"UPRAVDOM_PORT", "7000"}, {"UPRAVDOM_DB", "sqlite:/tmp/x.db"}}));
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.db_url, "sqlite:/tmp/x.db");
}

TEST(Config, RejectsBadPort) {
  EXPECT_THROW(ResolveConfig(ParseCommandLine({"--port", "70000"}), Env({})),
               std::invalid_argument);
  EXPECT_THROW(ResolveConfig(ParseCommandLine({"--port", "abc"}), Env({})), std::invalid_argument);
  EXPECT_THROW(ResolveConfig(ParseCommandLine({}), Env({{"UPRAVDOM_PORT", "0"}})),
               std::invalid_argument);
}

TEST(Config, RejectsBadLogLevel) {
  EXPECT_THROW(ResolveConfig(ParseCommandLine({"--log-level", "loud"}), Env({})),
               std::invalid_argument);
}

TEST(Config, SmsSinkFromFlagOrEnvironment) {
  EXPECT_EQ(ResolveConfig(ParseCommandLine({"serve"}), Env({})).sms_sink, "");
  EXPECT_EQ(
      ResolveConfig(ParseCommandLine({"serve"}), Env({{"UPRAVDOM_SMS_SINK", "/tmp/a"}})).sms_sink,
      "/tmp/a");
  EXPECT_EQ(ResolveConfig(ParseCommandLine({"serve", "--sms-sink", "/tmp/b"}),
                          Env({{"UPRAVDOM_SMS_SINK", "/tmp/a"}}))
                .sms_sink,
            "/tmp/b");
}

TEST(Config, ExchangeSettingsFromFlagsOrEnvironment) {
  Config defaults = ResolveConfig(ParseCommandLine({"serve"}), Env({}));
  EXPECT_EQ(defaults.smtp_url, "");
  EXPECT_EQ(defaults.scheduler_poll_ms, 30000);
  EXPECT_EQ(defaults.timezone_offset_minutes, 180);
  EXPECT_FALSE(defaults.smtp_starttls);
  Config c =
      ResolveConfig(ParseCommandLine({"serve", "--smtp-url", "smtp://127.0.0.1:2525",
                                      "--scheduler-poll-ms", "200", "--timezone-offset", "-5"}),
                    Env({{"UPRAVDOM_SMTP_URL", "smtp://ignored:25"},
                         {"UPRAVDOM_SMTP_FROM", "crm@example.ru"},
                         {"UPRAVDOM_SMTP_STARTTLS", "true"},
                         {"UPRAVDOM_SECRET_KEY_FILE", "/etc/upravdom/secret.key"}}));
  EXPECT_EQ(c.smtp_url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(c.smtp_from, "crm@example.ru");
  EXPECT_TRUE(c.smtp_starttls);
  EXPECT_EQ(c.secret_key_file, "/etc/upravdom/secret.key");
  EXPECT_EQ(c.scheduler_poll_ms, 200);
  EXPECT_EQ(c.timezone_offset_minutes, -300);
  EXPECT_THROW(ResolveConfig(ParseCommandLine({"serve", "--smtp-url", "http://x"}), Env({})),
               std::invalid_argument);
  EXPECT_THROW(ResolveConfig(ParseCommandLine({"serve", "--scheduler-poll-ms", "60000"}), Env({})),
               std::invalid_argument);
  EXPECT_THROW(ResolveConfig(ParseCommandLine({"serve", "--timezone-offset", "15"}), Env({})),
               std::invalid_argument);
}

TEST(Config, FetchAllowPrivateIsOffUnlessAskedFor) {
  EXPECT_FALSE(ResolveConfig(ParseCommandLine({"serve"}), Env({})).fetch_allow_private);
  EXPECT_TRUE(
      ResolveConfig(ParseCommandLine({"serve"}), Env({{"UPRAVDOM_FETCH_ALLOW_PRIVATE", "1"}}))
          .fetch_allow_private);
  EXPECT_TRUE(ResolveConfig(ParseCommandLine({"serve", "--fetch-allow-private", "true"}), Env({}))
                  .fetch_allow_private);
  // The flag beats the variable; an empty variable is no setting.
  EXPECT_FALSE(ResolveConfig(ParseCommandLine({"serve", "--fetch-allow-private=0"}),
                             Env({{"UPRAVDOM_FETCH_ALLOW_PRIVATE", "1"}}))
                   .fetch_allow_private);
  EXPECT_FALSE(
      ResolveConfig(ParseCommandLine({"serve"}), Env({{"UPRAVDOM_FETCH_ALLOW_PRIVATE", ""}}))
          .fetch_allow_private);
  // Anything else is refused rather than read as off (or on).
  for (const char* bad : {"yes", "on", "2", "TRUE "})
    EXPECT_THROW(ResolveConfig(ParseCommandLine({"serve", "--fetch-allow-private", bad}), Env({})),
                 std::invalid_argument)
        << bad;
  EXPECT_THROW(
      ResolveConfig(ParseCommandLine({"serve"}), Env({{"UPRAVDOM_FETCH_ALLOW_PRIVATE", "yes"}})),
      std::invalid_argument);
}
