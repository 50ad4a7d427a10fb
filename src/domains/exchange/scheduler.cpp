#include "domains/exchange/scheduler.hpp"

#include <sodium.h>

#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/time.hpp"
#include "db/sql.hpp"
#include "domains/exchange/xml_reader.hpp"

namespace upravdom::exchange {

namespace {

// Why a run that lost its lease ends (the other instance that took it runs the import now).
constexpr const char* kLeaseLost =
    "его запуск перешёл к другому экземпляру сервера (этот не отвечал дольше срока аренды). "
    "Файл остаётся для следующего запуска";

std::string RandomId() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

// A location on the FTP server (a path, or an ftp:// link) can be deleted; an http(s) link
// cannot and is left alone.
bool IsFtpLocation(const std::string& location) {
  return location.rfind("/", 0) == 0 || location.rfind("ftp://", 0) == 0;
}

// The ApiError's message with its field messages, for the log and the report.
std::string Describe(const ApiError& error) {
  // The generic «Проверьте заполнение полей» says nothing in a report: the fields' messages do.
  std::string text = error.fields().empty() || error.code() != ErrorCode::kValidationFailed ||
                             error.message() != "Проверьте заполнение полей"
                         ? error.message()
                         : "";
  for (const auto& [field, message] : error.fields())
    if (message != error.message()) text += (text.empty() ? "" : ": ") + message;
  return text;
}

// Keeps a run's lease while the run goes on: `beat` every `every` on a thread of its own, so
// that an import longer than the lease (100,000 records take minutes) is not taken for a dead
// run by another instance, which would start the organisation's import a second time. Stopped
// (and joined) when the run ends, before the lease is released.
class LeaseHeartbeat {
 public:
  LeaseHeartbeat(std::chrono::milliseconds every, std::function<void()> beat)
      : thread_([this, every, beat = std::move(beat)] {
          std::unique_lock lock(mutex_);
          while (!wake_.wait_for(lock, every, [this] { return stopping_; })) {
            lock.unlock();
            beat();
            lock.lock();
          }
        }) {}
  ~LeaseHeartbeat() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  LeaseHeartbeat(const LeaseHeartbeat&) = delete;
  LeaseHeartbeat& operator=(const LeaseHeartbeat&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the members above exist
};

const char* StatusWord(const std::string& status) {
  if (status == "ok") return "OK";
  if (status == "warnings") return "с предупреждениями";
  return "ошибка";
}

}  // namespace

MailMessage BuildReport(const std::string& organization_name, const std::string& started_by,
                        const std::vector<std::string>& to,
                        const std::vector<FileOutcome>& outcomes) {
  bool failed = false, warnings = false;
  for (const FileOutcome& outcome : outcomes) {
    failed = failed || outcome.status == "failed";
    warnings = warnings || outcome.status == "warnings";
  }
  MailMessage mail;
  mail.to = to;
  mail.subject = failed     ? "Импорт выполнен с ошибками"
                 : warnings ? "Импорт выполнен с предупреждениями"
                            : "Импорт выполнен: OK";
  std::string body = mail.subject + "\n\n";
  if (!organization_name.empty()) body += "Организация: " + organization_name + "\n";
  body += "Запуск: " + started_by + "\n";
  for (const FileOutcome& outcome : outcomes) {
    body += "\nФайл " + outcome.location + " — " + StatusWord(outcome.status);
    if (outcome.operation_id) body += " (операция " + std::to_string(outcome.operation_id) + ")";
    body += "\n";
    if (!outcome.message.empty()) body += outcome.message + "\n";
  }
  body += "\nПодробности — в разделе «Настройки» → «Интеграция» → «Обмен данными» → «Лог».\n";
  mail.body = std::move(body);
  return mail;
}

Scheduler::Scheduler(db::Database& database, OperationLog& log, ImportEngine& engine,
                     SettingsRepository& settings, SecretBox& secrets)
    : database_(database),
      log_(log),
      engine_(engine),
      settings_(settings),
      secrets_(secrets),
      instance_id_(RandomId()) {}

Scheduler::~Scheduler() {
  Stop();
}

void Scheduler::Start(const SchedulerOptions& options) {
  options_ = options;
  // One SQLite file has one server: a lease left in it is a run the previous server did not
  // finish. On PostgreSQL a sibling may be running; its lease runs out by itself.
  if (database_.dialect() == db::Dialect::kSqlite) settings_.ClearAllLeases();
  std::lock_guard lock(mutex_);
  stopping_ = false;
  stop_transfers_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  // A slow or stuck download would hold the server's shutdown until its timeout (10 min).
  stop_transfers_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::list<Worker> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (Worker& worker : workers)
    if (worker.thread.joinable()) worker.thread.join();
}

void Scheduler::OnMailQueued(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_mail_queued_ = std::move(callback);
}

std::string Scheduler::LeaseUntil() const {
  return timeutil::IsoAfter(options_.lease);
}

void Scheduler::RenewLease(long long organization_id, std::atomic<bool>& lost) {
  try {
    if (settings_.RenewLease(organization_id, instance_id_, LeaseUntil())) return;
    if (!lost.exchange(true))
      spdlog::error(
          "scheduler: organisation {}: this instance ({}) lost the lease of its running import: "
          "it ran out and another instance took it — this run stops",
          organization_id, instance_id_);
  } catch (const std::exception& e) {  // the next beat tries again
    spdlog::warn("scheduler: organisation {}: the lease was not renewed: {}", organization_id,
                 e.what());
  }
}

void Scheduler::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      RunDue();
    } catch (const std::exception& e) {
      spdlog::warn("scheduler: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

int Scheduler::RunDue() {
  int ran = 0;
  for (const DueSlot& slot : settings_.ListDue(timeutil::NowIso())) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    // Now, not when the poll began: a run before this slot may have taken minutes, and a next
    // slot computed from the poll's start could already be past (it would run again at once).
    const auto now = std::chrono::system_clock::now();
    const std::string now_iso = timeutil::ToIso(now);
    std::optional<std::string> next;
    try {
      // The missed-run rule: one run now, the next slot after now (schedule.hpp).
      if (auto at = NextRun(ParseSchedule(slot.schedule), now, options_.timezone_offset))
        next = timeutil::ToIso(*at);
    } catch (const ApiError& error) {  // saved settings are checked; a bad row is skipped
      spdlog::warn("scheduler: organisation {} has a bad schedule: {}", slot.organization_id,
                   error.message());
    }
    if (!settings_.ClaimSlot(slot.organization_id, slot.next_run_at, next, instance_id_,
                             LeaseUntil(), now_iso))
      continue;  // another instance took it, or a run of the organisation is going on
    spdlog::info("scheduler: organisation {}: the slot of {} runs", slot.organization_id,
                 slot.next_run_at);
    Execute(slot.organization_id, Actor{slot.organization_id, std::nullopt, "Расписание"});
    ++ran;
  }
  return ran;
}

std::string Scheduler::RunNow(const Actor& actor) {
  auto settings = settings_.Find(actor.organization_id);
  if (!settings || settings->paths.empty())
    ThrowFieldError("paths", "Укажите адрес файла(ов) и сохраните настройки импорта");
  const std::string now = timeutil::NowIso();
  if (!settings_.ClaimRunNow(actor.organization_id, instance_id_, LeaseUntil(), now))
    throw ApiError(ErrorCode::kConflict,
                   "Импорт уже выполняется; дождитесь его окончания (см. «Лог»)");
  std::lock_guard lock(mutex_);
  // Reap the threads of finished runs.
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  workers_.push_back({std::thread([this, actor, done] {
                        try {
                          Execute(actor.organization_id, actor);
                        } catch (const std::exception& e) {
                          spdlog::error("run now of organisation {}: {}", actor.organization_id,
                                        e.what());
                        }
                        done->store(true);
                      }),
                      done});
  return now;
}

std::vector<FileOutcome> Scheduler::Execute(long long organization_id, const Actor& actor) {
  std::vector<FileOutcome> outcomes;
  std::optional<ExchangeSettings> settings;
  std::atomic<bool> lease_lost{false};  // before the heartbeat that sets it: outlives it
  std::optional<LeaseHeartbeat> heartbeat;
  try {
    // Inside the try: a thread that cannot start must not skip the Release below.
    heartbeat.emplace(
        std::max(std::chrono::milliseconds(options_.lease) / 3, std::chrono::milliseconds(100)),
        [this, organization_id, &lease_lost] { RenewLease(organization_id, lease_lost); });
    settings = settings_.Find(organization_id);
    if (settings) {
      FtpSettings ftp{settings->ftp_host,    settings->ftp_port, settings->ftp_user, "",
                      settings->ftp_passive, settings->ftp_tls};
      std::optional<std::string> ftp_error;
      if (settings->ftp_password_enc) {
        try {
          ftp.password = secrets_.Open(*settings->ftp_password_enc);
        } catch (const std::exception& e) {
          spdlog::error("organisation {}: the FTP password does not open: {}", organization_id,
                        e.what());
          ftp_error =
              "Пароль FTP не удалось расшифровать (ключ сервера заменён): введите пароль в "
              "«Общих настройках» заново";
        }
      }
      for (const std::string& location : settings->paths) {
        if (stop_transfers_) {
          spdlog::warn(
              "exchange run of organisation {}: the server is stopping, {} and the "
              "files after it are left for the next run",
              organization_id, ShownLocation(location));
          break;
        }
        if (lease_lost) break;  // another instance runs the organisation's import now
        auto outcome = ImportFile(*settings, ftp, ftp_error, location, actor, lease_lost);
        if (!outcome) break;
        outcomes.push_back(std::move(*outcome));
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("exchange run of organisation {}: {}", organization_id, e.what());
  }
  heartbeat.reset();  // no renewal after the release
  try {
    settings_.Release(organization_id, instance_id_, timeutil::NowIso());
  } catch (const std::exception& e) {  // the lease runs out by itself; the report still goes
    spdlog::error("exchange run of organisation {}: the lease was not released: {}",
                  organization_id, e.what());
  }
  if (settings) {
    try {
      QueueReport(*settings, actor, !actor.user_id.has_value(), outcomes);
    } catch (const std::exception& e) {  // the report never fails the import
      spdlog::error("exchange run of organisation {}: the report was not queued: {}",
                    organization_id, e.what());
    }
  }
  return outcomes;
}

std::optional<FileOutcome> Scheduler::ImportFile(const ExchangeSettings& settings,
                                                 const FtpSettings& ftp,
                                                 const std::optional<std::string>& ftp_error,
                                                 const std::string& location, const Actor& actor,
                                                 const std::atomic<bool>& lease_lost) {
  // Messages, the log and the report name the file without a password a link may carry.
  const std::string shown = ShownLocation(location);
  FileOutcome outcome{shown, "failed", "", 0};
  std::optional<FetchedFile> file;
  std::string failure;
  FetchLimits limits = options_.limits;
  // A download is cut off when the server stops, and when another instance took the run over
  // (it is fetching the same file, and may delete it).
  limits.stop = [this, &lease_lost] { return stop_transfers_.load() || lease_lost.load(); };
  // Whatever happens below, the temp file goes.
  struct RemoveTemp {
    std::optional<FetchedFile>& file;
    ~RemoveTemp() {
      std::error_code ignored;
      if (file) std::filesystem::remove(file->path, ignored);
    }
  } remove_temp{file};
  try {
    if (ftp_error && IsFtpLocation(location))
      throw ApiError(ErrorCode::kValidationFailed, *ftp_error);
    file = FetchToTempFile(location, ftp, limits);
    XmlHeader header = ReadXmlHeader(file->path);
    // The file's own space and source win over the settings' when it names them — an explicit
    // space="operations" too (comparing with the defaults took it for an absent one).
    ImportSettings import{header.space.value_or(settings.space),
                          header.source.value_or(settings.source), false, header.records,
                          /*keep_results=*/false};
    const std::string path = file->path;
    ImportAnswer answer = engine_.Run(
        actor, import,
        [&path, &lease_lost](const std::function<bool(size_t, nlohmann::json&)>& visit) {
          ForEachXmlRecord(path, [&](size_t index, nlohmann::json& record) {
            // The batches before stay committed, as when a record fails (I-8).
            if (lease_lost)
              throw ApiError(ErrorCode::kConflict, "Импорт прерван на записи " +
                                                       std::to_string(index) + ": " + kLeaseLost);
            return visit(index, record);
          });
        });
    outcome.operation_id = answer.summary.value("operation_id", 0LL);
    outcome.status = answer.summary.value("status", std::string("failed"));
    if (auto operation = log_.Find(actor.organization_id, outcome.operation_id))
      outcome.message = operation->message;
    if (settings.delete_after_read && outcome.status != "failed" && !lease_lost &&
        IsFtpLocation(location)) {
      try {
        DeleteRemoteFile(location, ftp, *file, limits);
      } catch (const ApiError& error) {  // a new version uploaded meanwhile too
        outcome.message += "\nФайл не удалён с FTP-сервера: " + Describe(error);
        spdlog::warn("organisation {}: {} not deleted: {}", actor.organization_id, shown,
                     Describe(error));
      } catch (const TransferAborted& error) {  // the next run reads the file again
        spdlog::warn("organisation {}: {} not deleted: {}", actor.organization_id, shown,
                     error.what());
      }
    }
  } catch (const ApiError& error) {
    failure = Describe(error);
  } catch (const TransferAborted& error) {
    spdlog::warn("organisation {}: {}", actor.organization_id, error.what());
    // The server is stopping: not the organisation's error, so no failed operation in its log;
    // the file stays on the server for the next run.
    if (!lease_lost) return std::nullopt;
    // The run went over to another instance: its log says why this one ended.
    failure = "Загрузка файла прервана: " + std::string(kLeaseLost);
  } catch (const std::exception& error) {
    spdlog::error("organisation {}: import of {} failed: {}", actor.organization_id, shown,
                  error.what());
    failure = "Внутренняя ошибка при загрузке файла";
  }
  if (!failure.empty()) {
    // The file never reached the engine: the failure is an operation of the log of its own,
    // so the «Лог» shows it like any import.
    // Fetch errors name the file already; others (the XML check) get it in front.
    outcome.message =
        failure.find(shown) != std::string::npos ? failure : "Файл «" + shown + "»: " + failure;
    outcome.operation_id = log_.Refused(
        actor.organization_id, /*dry_run=*/false, settings.source, actor.name, outcome.message,
        nlohmann::json::array(
            {{{"index", nullptr}, {"field", "paths"}, {"message", outcome.message}}}));
  }
  return outcome;
}

void Scheduler::QueueReport(const ExchangeSettings& settings, const Actor& actor, bool scheduled,
                            const std::vector<FileOutcome>& outcomes) {
  if (settings.report_emails.empty() || outcomes.empty()) return;
  const std::string started_by =
      scheduled ? "по расписанию" : "вручную («Запустить сейчас»): " + actor.name;
  MailMessage mail = BuildReport(settings_.OrganizationName(settings.organization_id), started_by,
                                 settings.report_emails, outcomes);
  {
    db::Session sql(database_);
    EnqueueMail(sql, settings.organization_id, mail);
  }
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    callback = on_mail_queued_;
  }
  if (callback) callback();
}

}  // namespace upravdom::exchange
