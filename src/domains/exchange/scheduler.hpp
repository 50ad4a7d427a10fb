// The import schedule in the server (SPEC I-5 … I-7): a background thread that wakes every
// poll (≤ 30 s), finds the organisations whose slot is due, takes each slot with a
// conditional UPDATE (so with several instances over one PostgreSQL exactly one runs it) and
// runs the import; and «Запустить сейчас», the same run on a thread of its own.
//
// A run: for each «Адрес файла(ов)» entry — fetch (fetch.hpp) → check the XML
// (ReadXmlHeader) → ImportEngine::Run with the XML's records → delete the FTP file if asked
// and the import did not fail. A fetch or parse failure is an operation of the exchange log
// with status failed and its Russian message. One report e-mail per run (mail.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/actor.hpp"
#include "core/secret_box.hpp"
#include "db/database.hpp"
#include "domains/exchange/fetch.hpp"
#include "domains/exchange/import_engine.hpp"
#include "domains/exchange/mail.hpp"
#include "domains/exchange/operations.hpp"
#include "domains/exchange/settings_repository.hpp"

namespace upravdom::exchange {

struct SchedulerOptions {
  std::chrono::milliseconds poll{30000};
  std::chrono::minutes timezone_offset{180};
  // How long a run's claim holds without renewal. A run renews it every lease/3 while it
  // goes on (a heartbeat thread), however long one import takes; a server that died mid-run
  // frees the organisation for run-now and the next slots after this.
  std::chrono::seconds lease{900};
  FetchLimits limits;
};

// What one run did, for the report e-mail.
struct FileOutcome {
  std::string location;
  std::string status;  // ok, warnings, failed
  std::string message;
  long long operation_id = 0;
};

class Scheduler {
 public:
  Scheduler(db::Database& database, OperationLog& log, ImportEngine& engine,
            SettingsRepository& settings, SecretBox& secrets);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the background thread (serve only); the first poll is at once, so a slot missed
  // while the server was down runs now, once.
  void Start(const SchedulerOptions& options);
  // Stops the thread and waits for runs in progress (run-now threads too). A download or
  // deletion in progress is cut off at once (FetchLimits::stop), logged to the server log and
  // not to the exchange log; the run's remaining files are left for the next run.
  void Stop();
  // Called after a report e-mail was queued (wakes the mail delivery).
  void OnMailQueued(std::function<void()> callback);

  // «Запустить сейчас»: claims the organisation's run and starts it on its own thread;
  // returns the start time (ISO). ApiError 409 while a run of the organisation is going on,
  // 422 when no file address is saved.
  std::string RunNow(const Actor& actor);

  // One poll: runs every due slot this instance claims; returns how many it ran.
  int RunDue();

  const std::string& instance_id() const { return instance_id_; }

 private:
  void Loop();
  // The run of one organisation under this instance's lease; releases it at the end.
  std::vector<FileOutcome> Execute(long long organization_id, const Actor& actor);
  // nullopt: cut off by Stop before its import (nothing to report).
  // `lease_lost`: set by the heartbeat when another instance took the lease; the import stops
  // and the file is not deleted.
  std::optional<FileOutcome> ImportFile(const ExchangeSettings& settings, const FtpSettings& ftp,
                                        const std::optional<std::string>& ftp_error,
                                        const std::string& location, const Actor& actor,
                                        const std::atomic<bool>& lease_lost);
  void QueueReport(const ExchangeSettings& settings, const Actor& actor, bool scheduled,
                   const std::vector<FileOutcome>& outcomes);
  std::string LeaseUntil() const;
  // One beat of a run's heartbeat: renews the lease; when another instance holds it, logs an
  // error (once a run) and sets `lost`, which stops the run.
  void RenewLease(long long organization_id, std::atomic<bool>& lost);

  db::Database& database_;
  OperationLog& log_;
  ImportEngine& engine_;
  SettingsRepository& settings_;
  SecretBox& secrets_;
  SchedulerOptions options_;
  const std::string instance_id_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> stop_transfers_{false};  // FetchLimits::stop of every transfer of a run
  std::thread thread_;
  std::function<void()> on_mail_queued_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> workers_;  // run-now threads, reaped when done
};

// The report e-mail of a run: subject «Импорт выполнен: OK» (or «…с ошибками», «…с
// предупреждениями») and a body listing each file with its status and its operation's
// message (errors and warnings with the record index and field).
MailMessage BuildReport(const std::string& organization_name, const std::string& started_by,
                        const std::vector<std::string>& to,
                        const std::vector<FileOutcome>& outcomes);

}  // namespace upravdom::exchange
