// The exchange log (SPEC I-9): every import, export and broadcast as an operation with its
// status, counts, message (warnings and errors) and dates (docs/import-api.md).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.hpp"

namespace upravdom::exchange {

struct Operation {
  long long id = 0;
  std::string kind;     // "import", "import_dry_run" (later: "export", "broadcast")
  std::string source;   // "api", "1c", "xml", "excel" …
  std::string status;   // "running", "ok", "warnings", "failed"
  std::string message;  // human-readable, Russian: warnings and errors, one per line
  nlohmann::json counts = nlohmann::json::object();  // {"records":…, "created":…, …}
  nlohmann::json details =
      nlohmann::json::object();           // {"errors":[…], "warnings":[…], "merges":[…]}
  std::optional<std::string> actor_name;  // who started it ("API: 1С", a user's name)
  std::string started_at;
  std::string updated_at;
  std::optional<std::string> finished_at;
};

struct OperationFilter {
  std::optional<std::string> kind;
  std::optional<std::string> status;
  long long limit = 50;
  long long offset = 0;
};

struct OperationPage {
  std::vector<Operation> items;
  long long total = 0;
};

// Writes and reads the log. Every method opens its own session and commits at once, so the
// log is visible while an import's own transaction is still open, and survives its rollback.
class OperationLog {
 public:
  explicit OperationLog(db::Database& database) : database_(database) {}

  // A new operation in status "running"; returns its id.
  long long Start(long long organization_id, const std::string& kind, const std::string& source,
                  const std::string& actor_name);
  // Replaces the counts of a running operation and touches updated_at. List and Find of this
  // process show them at once. `durable` also writes them to the database (for the other
  // instances, and the stale sweep on PostgreSQL): through `own`, the caller's connection,
  // when it has no transaction open; else through a connection of the pool only if one is
  // free at once — the caller (an import) holds one already, and imports that each waited
  // for a second could wait forever once they held the whole pool; a write skipped then is
  // made by the next batch's. Not `durable`: for a dry run on SQLite, whose own open
  // transaction holds the database's write lock until the run ends (a write through another
  // connection would wait for it).
  void Progress(long long organization_id, long long id, const nlohmann::json& counts,
                bool durable = true, soci::session* own = nullptr);
  // Ends the operation: status "ok", "warnings" or "failed", with message, counts, details.
  void Finish(long long organization_id, long long id, const std::string& status,
              const std::string& message, const nlohmann::json& counts,
              const nlohmann::json& details);

  // A file or batch refused before any record was read (it never reached the engine), as a
  // failed operation of its own, so the log shows every try; returns its id. `errors` are
  // the details' errors; `error_count` what the counts say (the errors listed may be cut).
  long long Refused(long long organization_id, bool dry_run, const std::string& source,
                    const std::string& actor_name, const std::string& message,
                    const nlohmann::json& errors, size_t error_count = 1);

  OperationPage List(long long organization_id, const OperationFilter& filter);
  std::optional<Operation> Find(long long organization_id, long long id);

  // At start-up: every operation still "running" was cut off by a crash or kill; it becomes
  // "failed" with «Операция прервана: сервер был остановлен». Returns how many.
  // (With several instances over PostgreSQL only operations whose updated_at is older than
  // `stale_seconds` are marked, so a sibling's live import is not.)
  // `stale_seconds` ≤ 0 marks every running operation.
  long long MarkInterrupted(long long stale_seconds);
  // The start-up sweep (called by `serve` after the migrations): on SQLite, where one server
  // owns the file, every running operation; on PostgreSQL only those not touched for
  // kStaleSeconds. List and Find repeat the PostgreSQL sweep for their organisation, so the
  // operation of a sibling instance that died turns failed without a restart.
  long long MarkInterruptedAtStart();

  // An operation on PostgreSQL whose updated_at is older than this is taken as cut off: the
  // import engine reports progress (Progress) after every batch, far more often.
  static constexpr long long kStaleSeconds = 120;

  // A file the operation leaves for download (the Excel import's error file), kept in the
  // database so that every instance serves it; replaces one the operation kept before. Files
  // older than kFileHours and those beyond the organisation's kMaxFiles newest are removed.
  void KeepFile(long long organization_id, long long id, std::string_view content);
  // The operation's file, unless there is none or it is older than kFileHours.
  std::optional<std::string> File(long long organization_id, long long id);
  static constexpr long long kFileHours = 24;
  static constexpr long long kMaxFiles = 200;
  static constexpr const char* kInterruptedMessage = "Операция прервана: сервер был остановлен";

 private:
  // The lazy PostgreSQL sweep of one organisation's stale running operations.
  void SweepStale(soci::session& sql, long long organization_id);
  // The progress this process noted for an operation it runs, over what the database says.
  void ShowLive(Operation& operation);

  db::Database& database_;
  struct Live {
    nlohmann::json counts;
    std::string updated_at;
  };
  std::mutex live_mutex_;
  std::map<long long, Live> live_;  // by operation id, from the first Progress to Finish
};

// The kinds and statuses the log knows (filters are checked against them).
bool IsKnownKind(const std::string& kind);
bool IsKnownStatus(const std::string& status);

nlohmann::json ToJson(const Operation& operation, bool with_details);

}  // namespace upravdom::exchange
