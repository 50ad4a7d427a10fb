// upravdom: the server and its administration commands (see `upravdom help`).
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <set>
#include <utility>

#include <soci/soci.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "app/application.hpp"
#include "app/demo_seed.hpp"
#include "db/migrations.hpp"
#include "db/statistics.hpp"
#include "domains/access/crypto.hpp"
#include "domains/exchange/excel_handlers.hpp"
#include "domains/exchange/fetch.hpp"
#include "domains/exchange/import_handlers.hpp"
#include "domains/exchange/mail.hpp"
#include "domains/exchange/xml_handlers.hpp"
#include "domains/resident/sms.hpp"
#include "http/dispatcher.hpp"
#include "http/server.hpp"

using namespace upravdom;

namespace {

constexpr const char* kUsage = R"(upravdom — CRM для управляющих организаций

Использование: upravdom КОМАНДА [параметры]

Команды:
  serve [--db URL] [--port N] [--host ADDR] [--web DIR] [--threads N] [--log-level L]
        [--sms-sink FILE] [--secret-key-file FILE] [--smtp-url URL] [--smtp-user U]
        [--smtp-password P] [--smtp-from ADDR] [--smtp-starttls true|false]
        [--scheduler-poll-ms N] [--timezone-offset ЧАСЫ] [--fetch-allow-private true|false]
                         запустить сервер (применяет миграции); --sms-sink: SMS приложения
                         жителя дописываются в файл строками JSON вместо журнала
                         Обмен данными (импорт XML по расписанию, отчёты на e-mail):
                         --secret-key-file: ключ шифрования паролей FTP (по умолчанию
                           secret.key рядом с файлом SQLite или data/secret.key; создаётся
                           с правами 0600 при первом запуске)
                         --smtp-url: сервер отчётов smtp://хост:порт или smtps://хост:порт
                           (без него отчёты пишутся в журнал сервера); --smtp-user,
                           --smtp-password: вход; --smtp-from: адрес отправителя;
                           --smtp-starttls true: требовать STARTTLS
                         --scheduler-poll-ms: как часто проверять расписание (100–30000,
                           по умолчанию 30000); --timezone-offset: часовой пояс расписания,
                           часы от UTC (по умолчанию 3 — Москва)
                         --fetch-allow-private true: разрешить загрузку файлов импорта и
                           проверку FTP с внутренних адресов (127.0.0.1, 10.x, 172.16–31.x,
                           192.168.x, 100.64–127.x, ::1, fc00::/7) — для установки, где 1С
                           или FTP-сервер в локальной сети; по умолчанию запрещено
  migrate                применить миграции базы данных
  org create НАЗВАНИЕ    создать организацию, напечатать её id
  user create --org ID --login LOGIN --password PASSWORD --role admin|operator|readonly [--name ФИО]
                         создать сотрудника, напечатать его id
  token create --org ID --name НАЗВАНИЕ
                         выпустить API-токен для интеграций, напечатать его
  seed-demo              создать демо-организацию (если её нет), напечатать вход
  routes                 перечислить маршруты API

Каждая команда принимает --db URL (или переменную UPRAVDOM_DB):
  sqlite:ПУТЬ или postgresql://пользователь:пароль@хост:порт/база
Переменные окружения: UPRAVDOM_DB, UPRAVDOM_PORT, UPRAVDOM_HOST, UPRAVDOM_WEB,
UPRAVDOM_THREADS, UPRAVDOM_LOG_LEVEL, UPRAVDOM_SECURE_COOKIES, UPRAVDOM_SMS_SINK,
UPRAVDOM_SECRET_KEY_FILE, UPRAVDOM_SMTP_URL, UPRAVDOM_SMTP_USER, UPRAVDOM_SMTP_PASSWORD,
UPRAVDOM_SMTP_FROM, UPRAVDOM_SMTP_STARTTLS, UPRAVDOM_SCHEDULER_POLL_MS,
UPRAVDOM_TIMEZONE_OFFSET, UPRAVDOM_FETCH_ALLOW_PRIVATE.
)";

class UsageError : public std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

void AllowOnly(const CommandLine& cl, std::set<std::string> allowed) {
  allowed.insert({"db", "log-level"});
  for (const auto& [name, value] : cl.options)
    if (!allowed.count(name)) throw UsageError("Неизвестный параметр --" + name);
}

std::string Required(const CommandLine& cl, const std::string& name) {
  auto it = cl.options.find(name);
  if (it == cl.options.end() || it->second.empty())
    throw UsageError("Не указан обязательный параметр --" + name);
  return it->second;
}

long long RequiredId(const CommandLine& cl, const std::string& name) {
  std::string value = Required(cl, name);
  if (value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("--" + name + ": ожидается числовой id, получено «" + value + "»");
  return std::stoll(value);
}

// Writes log lines to stderr through a full buffer, flushed every second and at once for
// warnings: spdlog's own stderr sink flushes every line, one syscall per request.
class BufferedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

void SetUpLogging(const Config& config) {
  // Logs go to stderr so that commands print only their result on stdout.
  static char buffer[1 << 16];
  std::setvbuf(stderr, buffer, _IOFBF, sizeof buffer);
  auto logger =
      std::make_shared<spdlog::logger>("upravdom", std::make_shared<BufferedStderrSink>());
  logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
}

int Serve(const Config& config) {
  app::Application application(config, static_cast<size_t>(config.threads) + 2);
  db::ApplyMigrations(application.database());
  // Imports a previous server left running were cut off by its end (docs/import-api.md).
  if (long long interrupted = application.operation_log().MarkInterruptedAtStart())
    spdlog::warn("exchange log: {} operation(s) cut off by a server stop marked failed",
                 interrupted);
  // SQLite has no statistics until ANALYZE runs, and without them it walks the ORDER BY
  // index even under a selective filter; the keeper analyzes tables that grew or shrank.
  db::StatisticsKeeper statistics(application.database(), std::chrono::hours(1));
  application.import_engine().OnApplied([&statistics] { statistics.Nudge(); });
  std::unique_ptr<http::StaticFiles> static_files;
  if (!config.web_dir.empty()) {
    if (!std::filesystem::is_regular_file(std::filesystem::path(config.web_dir) / "index.html"))
      spdlog::warn("{}: no index.html; the web UI will answer 404", config.web_dir);
    static_files = std::make_unique<http::StaticFiles>(config.web_dir);
  }
  // The resident app's SMS outbox is drained by one background thread; stopped (joined)
  // when Serve returns after SIGTERM, like the statistics keeper.
  resident::SmsDelivery sms_delivery(application.database(),
                                     resident::MakeSmsSender(config.sms_sink));
  resident::ResidentService& resident_service = application.resident();
  resident_service.OnSmsQueued([&sms_delivery] { sms_delivery.Wake(); });
  // Data exchange: the key of the sealed FTP passwords, the report e-mails' outbox drained by
  // one thread, and the scheduler's thread (the first poll at once: a slot missed while the
  // server was down runs now, once). Both stop (join) when Serve returns.
  if (CreateSecretKeyFileIfMissing(application.secret_key_file()))
    spdlog::info("created the secret key file {} (keep it with the backups of the database)",
                 application.secret_key_file());
  exchange::EnsureCurlInitialized();
  exchange::MailDelivery mail_delivery(
      application.database(), exchange::MakeMailSender({.url = config.smtp_url,
                                                        .user = config.smtp_user,
                                                        .password = config.smtp_password,
                                                        .from = config.smtp_from,
                                                        .starttls = config.smtp_starttls}));
  exchange::Scheduler& scheduler = application.scheduler();
  scheduler.OnMailQueued([&mail_delivery] { mail_delivery.Wake(); });
  if (config.fetch_allow_private)
    spdlog::info(
        "the import may fetch from loopback and private addresses (--fetch-allow-private)");
  scheduler.Start({.poll = std::chrono::milliseconds(config.scheduler_poll_ms),
                   .timezone_offset = std::chrono::minutes(config.timezone_offset_minutes),
                   .limits = {.allow_private = config.fetch_allow_private}});
  // The scheduler's runs call back into the outboxes and the statistics keeper of this scope:
  // however Serve ends (RunServer throws when the port is taken), they stop first.
  struct StopBackgroundWork {
    std::function<void()> stop;
    void Now() {
      if (stop) std::exchange(stop, nullptr)();
    }
    ~StopBackgroundWork() { Now(); }
  } stop_background_work{[&] {
    resident_service.OnSmsQueued(nullptr);
    scheduler.Stop();  // cuts its downloads off, waits for the run; its report is queued before
    scheduler.OnMailQueued(nullptr);
    application.import_engine().OnApplied(nullptr);
  }};
  access::AccessService& access_service = application.access();
  http::Dispatcher dispatcher(
      application.router(),
      {.staff = [&access_service](
                    const http::Request& request) { return access_service.Authenticate(request); },
       .resident =
           [&resident_service](const http::Request& request) {
             return resident_service.Authenticate(request);
           }},
      [&application] { return application.DatabaseHealthy(); }, application.metrics(),
      std::move(static_files));
  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.large_bodies = {{exchange::kImportPath, exchange::kImportBodyLimit},
                          {exchange::kXmlImportPath, exchange::kXmlBodyLimit},
                          {exchange::kExcelImportPath, exchange::kExcelBodyLimit}};
  http::RunServer(options, dispatcher, [&] {
    spdlog::info("upravdom listening on http://{}:{}", config.host, config.port);
  });
  stop_background_work.Now();
  spdlog::info("stopped");
  return 0;
}

int Run(const std::vector<std::string>& args) {
  CommandLine cl = ParseCommandLine(args);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
  const std::vector<std::string>& words = cl.positional;
  if (words.empty() || words[0] == "help" || cl.options.count("help")) {
    std::cout << kUsage;
    return words.empty() && !cl.options.count("help") ? 2 : 0;
  }
  Config config = ResolveConfig(cl, env);
  SetUpLogging(config);
  access::InitCrypto();
  const std::string& command = words[0];

  if (command == "serve") {
    AllowOnly(cl, {"port", "host", "web", "threads", "secure-cookies", "sms-sink",
                   "secret-key-file", "smtp-url", "smtp-user", "smtp-password", "smtp-from",
                   "smtp-starttls", "scheduler-poll-ms", "timezone-offset", "fetch-allow-private"});
    if (words.size() != 1) throw UsageError("serve не принимает позиционных аргументов");
    return Serve(config);
  }
  if (command == "routes") {
    AllowOnly(cl, {});
    Config memory = config;
    memory.db_url = "sqlite::memory:";
    app::Application application(memory, 1);
    for (const http::Route& route : application.router().routes())
      std::cout << route.method << " " << route.pattern << "\n";
    return 0;
  }

  const std::string sub = words.size() > 1 ? words[1] : "";
  auto open = [&] { return std::make_unique<app::Application>(config, 2); };
  if (command == "migrate" && words.size() == 1) {
    AllowOnly(cl, {});
    auto application = open();
    int applied = db::ApplyMigrations(application->database());
    std::cout << "Применено миграций: " << applied << "\n";
    return 0;
  }
  if (command == "org" && sub == "create") {
    AllowOnly(cl, {});
    if (words.size() != 3) throw UsageError("Использование: upravdom org create НАЗВАНИЕ");
    auto application = open();
    db::ApplyMigrations(application->database());
    std::cout << application->access().CreateOrganization(words[2]) << "\n";
    return 0;
  }
  if (command == "user" && sub == "create") {
    AllowOnly(cl, {"org", "login", "password", "role", "name"});
    if (words.size() != 2) throw UsageError("Лишние аргументы после user create");
    long long org = RequiredId(cl, "org");
    std::string login = Required(cl, "login"), password = Required(cl, "password");
    std::string role = Required(cl, "role");
    if (!http::ParseRole(role)) throw UsageError("--role: admin, operator или readonly");
    auto application = open();
    db::ApplyMigrations(application->database());
    std::string name = cl.options.count("name") ? cl.options.at("name") : "";
    std::cout << application->access().CreateUser(org, login, password, role, name) << "\n";
    return 0;
  }
  if (command == "token" && sub == "create") {
    AllowOnly(cl, {"org", "name"});
    long long org = RequiredId(cl, "org");
    std::string name = Required(cl, "name");
    auto application = open();
    db::ApplyMigrations(application->database());
    std::cout << application->access().CreateApiToken(org, name) << "\n";
    return 0;
  }
  if (command == "seed-demo" && words.size() == 1) {
    AllowOnly(cl, {});
    auto application = open();
    db::ApplyMigrations(application->database());
    app::DemoLogin demo = app::SeedDemo(*application);
    std::cout << (demo.created ? "Демо-организация создана. " : "Демо-организация уже есть. ")
              << "Вход: " << demo.login << " / " << demo.password << "\n";
    return 0;
  }
  throw UsageError("Неизвестная команда «" + command + (sub.empty() ? "" : " " + sub) +
                   "». Список команд: upravdom help");
}

}  // namespace

int RunReportingErrors(const std::vector<std::string>& args) {
  try {
    return Run(args);
  } catch (const ApiError& error) {  // a service refused (e.g. demo data that fails validation)
    std::cerr << "Ошибка: " << error.message() << " " << error.ToJson().dump() << "\n";
    return 1;
  } catch (const std::invalid_argument& error) {  // UsageError too: bad arguments
    std::cerr << "Ошибка: " << error.what() << "\n";
    return 2;
  } catch (const soci::soci_error& error) {
    std::cerr << "Ошибка базы данных: " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "Ошибка: " << error.what() << "\n";
    return 1;
  }
}

int main(int argc, char** argv) {
  // glibc gives each thread that allocates under contention an arena of its own, up to 8 per
  // core, and an arena keeps what it freed: the scheduler's import thread and the request
  // threads left a 100,000-record XML import at 82–92 MB of RSS growth (limit 100), 56–73 MB
  // with 4 arenas; client creates are the same within noise (docs/performance.md). An
  // operator's MALLOC_ARENA_MAX wins.
  if (!std::getenv("MALLOC_ARENA_MAX")) ::mallopt(M_ARENA_MAX, 4);
  int rc = RunReportingErrors(std::vector<std::string>(argv + 1, argv + argc));
  spdlog::shutdown();  // stops the periodic flusher and flushes the log
  return rc;
}
