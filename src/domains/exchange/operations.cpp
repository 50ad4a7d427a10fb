#include "domains/exchange/operations.hpp"

#include <stdexcept>

#include "core/json_output.hpp"
#include "core/secret_box.hpp"
#include "core/time.hpp"
#include "db/sql.hpp"

namespace upravdom::exchange {

using db::Row;
using db::Sql;

namespace {

// The list does not read `details`: an import of 200,000 records may have as many errors.
const std::string kListColumns =
    "id, kind, source, status, message, counts, actor_name, started_at, updated_at, finished_at";
const std::string kCardColumns = kListColumns + ", details";

// JSON kept as text; text that does not parse (never written by this code) reads as {}.
nlohmann::json ParseStored(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_object() ? value : nlohmann::json::object();
}

// Never throws on invalid UTF-8 (an import's error may quote a broken value): such bytes
// become U+FFFD.
std::string Store(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The text with invalid UTF-8 (a message cut at a byte limit) replaced, which PostgreSQL
// would refuse.
std::string ValidText(const std::string& text) {
  return nlohmann::json::parse(Store(nlohmann::json(text))).get<std::string>();
}

Operation ReadOperation(const Row& row, bool with_details) {
  Operation o;
  o.id = row.Int(0);
  o.kind = row.Text(1);
  o.source = row.Text(2);
  o.status = row.Text(3);
  o.message = row.Text(4);
  o.counts = ParseStored(row.Text(5));
  o.actor_name = row.OptText(6);
  o.started_at = row.Text(7);
  o.updated_at = row.Text(8);
  o.finished_at = row.OptText(9);
  if (with_details) o.details = ParseStored(row.Text(10));
  return o;
}

// Marks the running operations (of one organisation, or all) not touched since `cutoff`
// (every one when empty) as failed; returns how many.
long long MarkFailed(soci::session& sql, std::optional<long long> organization_id,
                     const std::optional<std::string>& cutoff) {
  const std::string now = timeutil::NowIso();
  Sql update("UPDATE exchange_operations SET status = 'failed', message = ");
  update.Bind(OperationLog::kInterruptedMessage) << ", updated_at = ";
  update.Bind(now) << ", finished_at = ";
  update.Bind(now) << " WHERE status = 'running'";
  if (organization_id) {
    update << " AND organization_id = ";
    update.Bind(*organization_id);
  }
  if (cutoff) {
    update << " AND updated_at < ";
    update.Bind(*cutoff);
  }
  update << " RETURNING id";
  long long marked = 0;
  db::ForEachRow(sql, update, [&](const Row&) { ++marked; });
  return marked;
}

std::string StaleCutoff() {
  return timeutil::IsoAfter(std::chrono::seconds(-OperationLog::kStaleSeconds));
}

}  // namespace

bool IsKnownKind(const std::string& kind) {
  return kind == "import" || kind == "import_dry_run";
}

bool IsKnownStatus(const std::string& status) {
  return status == "running" || status == "ok" || status == "warnings" || status == "failed";
}

void OperationLog::KeepFile(long long organization_id, long long id, std::string_view content) {
  const std::string now = timeutil::NowIso();
  db::Session sql(database_);
  db::WriteTransaction tx(sql, database_.dialect());
  Sql expired("DELETE FROM exchange_files WHERE created_at < ");
  expired.Bind(timeutil::IsoAfter(-std::chrono::hours(kFileHours)));
  db::Exec(sql, expired);
  Sql insert(
      "INSERT INTO exchange_files (organization_id, operation_id, content, created_at, "
      "updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(id) << ", ";
  insert.Bind(ToBase64(content)) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") ON CONFLICT (organization_id, operation_id) DO UPDATE SET content = "
                      "excluded.content, created_at = excluded.created_at, updated_at = "
                      "excluded.updated_at";
  db::Exec(sql, insert);
  Sql beyond("DELETE FROM exchange_files WHERE organization_id = ");
  beyond.Bind(organization_id) << " AND id NOT IN (SELECT id FROM exchange_files "
                                  "WHERE organization_id = ";
  beyond.Bind(organization_id) << " ORDER BY id DESC LIMIT ";
  beyond.Bind(kMaxFiles) << ")";
  db::Exec(sql, beyond);
  tx.Commit();
}

std::optional<std::string> OperationLog::File(long long organization_id, long long id) {
  db::Session sql(database_);
  Sql query("SELECT content FROM exchange_files WHERE organization_id = ");
  query.Bind(organization_id) << " AND operation_id = ";
  query.Bind(id) << " AND created_at >= ";
  query.Bind(timeutil::IsoAfter(-std::chrono::hours(kFileHours)));
  std::optional<std::string> content = db::QueryText(sql, query);
  return content ? FromBase64(*content) : std::nullopt;
}

long long OperationLog::Start(long long organization_id, const std::string& kind,
                              const std::string& source, const std::string& actor_name) {
  const std::string now = timeutil::NowIso();
  db::Session sql(database_);
  Sql insert(
      "INSERT INTO exchange_operations (organization_id, kind, source, status, message, counts, "
      "details, actor_name, started_at, updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(kind) << ", ";
  insert.Bind(source) << ", 'running', '', '{}', '{}', ";
  if (actor_name.empty())
    insert.BindNull();
  else
    insert.Bind(actor_name);
  insert << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql, insert);
}

void OperationLog::Progress(long long organization_id, long long id, const nlohmann::json& counts,
                            bool durable, soci::session* own) {
  const std::string now = timeutil::NowIso();
  {
    std::lock_guard lock(live_mutex_);
    live_[id] = {counts, now};
  }
  if (!durable) return;
  std::optional<db::TrySession> borrowed;
  if (!own) {
    borrowed.emplace(database_);
    if (!*borrowed) return;  // the pool is busy: the next batch writes its progress
  }
  soci::session& sql = own ? *own : borrowed->get();
  Sql update("UPDATE exchange_operations SET counts = ");
  update.Bind(Store(counts)) << ", updated_at = ";
  update.Bind(now) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(id) << " AND status = 'running'";
  db::Exec(sql, update);
}

void OperationLog::Finish(long long organization_id, long long id, const std::string& status,
                          const std::string& message, const nlohmann::json& counts,
                          const nlohmann::json& details) {
  if (status != "ok" && status != "warnings" && status != "failed")
    throw std::invalid_argument("OperationLog::Finish: status " + status);
  {
    std::lock_guard lock(live_mutex_);
    live_.erase(id);
  }
  const std::string now = timeutil::NowIso();
  db::Session sql(database_);
  // Not only a running operation: one a sweep took for cut off (it was silent too long) and
  // that still finished gets its real outcome.
  Sql update("UPDATE exchange_operations SET status = ");
  update.Bind(status) << ", message = ";
  update.Bind(ValidText(message)) << ", counts = ";
  update.Bind(Store(counts)) << ", details = ";
  update.Bind(Store(details.is_null() ? nlohmann::json::object() : details)) << ", updated_at = ";
  update.Bind(now) << ", finished_at = ";
  update.Bind(now) << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(id);
  db::Exec(sql, update);
}

long long OperationLog::Refused(long long organization_id, bool dry_run, const std::string& source,
                                const std::string& actor_name, const std::string& message,
                                const nlohmann::json& errors, size_t error_count) {
  const long long id =
      Start(organization_id, dry_run ? "import_dry_run" : "import", source, actor_name);
  Finish(organization_id, id, "failed", message,
         {{"records", 0}, {"processed", 0}, {"errors", error_count}},
         {{"errors", errors},
          {"warnings", nlohmann::json::array()},
          {"merges", nlohmann::json::array()}});
  return id;
}

OperationPage OperationLog::List(long long organization_id, const OperationFilter& filter) {
  db::Session sql(database_);
  SweepStale(sql, organization_id);
  OperationPage page;
  auto where = [&](Sql& query) {
    query << " WHERE organization_id = ";
    query.Bind(organization_id);
    if (filter.kind) {
      query << " AND kind = ";
      query.Bind(*filter.kind);
    }
    if (filter.status) {
      query << " AND status = ";
      query.Bind(*filter.status);
    }
    return true;
  };
  page.total = db::ListPage(
      sql, kListColumns, "FROM exchange_operations", "FROM exchange_operations", where,
      "started_at DESC, id DESC", filter.limit, filter.offset, /*count=*/true,
      [&](const Row& row) { page.items.push_back(ReadOperation(row, /*with_details=*/false)); });
  for (Operation& operation : page.items) ShowLive(operation);
  return page;
}

std::optional<Operation> OperationLog::Find(long long organization_id, long long id) {
  db::Session sql(database_);
  SweepStale(sql, organization_id);
  Sql query("SELECT " + kCardColumns + " FROM exchange_operations WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(id);
  std::optional<Operation> found;
  db::ForEachRow(sql, query,
                 [&](const Row& row) { found = ReadOperation(row, /*with_details=*/true); });
  if (found) ShowLive(*found);
  return found;
}

void OperationLog::ShowLive(Operation& operation) {
  if (operation.status != "running") return;
  std::lock_guard lock(live_mutex_);
  auto live = live_.find(operation.id);
  if (live == live_.end() || live->second.updated_at < operation.updated_at) return;
  operation.counts = live->second.counts;
  operation.updated_at = live->second.updated_at;
}

long long OperationLog::MarkInterrupted(long long stale_seconds) {
  db::Session sql(database_);
  std::optional<std::string> cutoff;
  if (stale_seconds > 0) cutoff = timeutil::IsoAfter(std::chrono::seconds(-stale_seconds));
  return MarkFailed(sql, std::nullopt, cutoff);
}

long long OperationLog::MarkInterruptedAtStart() {
  return MarkInterrupted(database_.dialect() == db::Dialect::kSqlite ? 0 : kStaleSeconds);
}

void OperationLog::SweepStale(soci::session& sql, long long organization_id) {
  // On SQLite the start-up sweep has taken every operation a previous server left running;
  // those running now are this server's own.
  if (database_.dialect() != db::Dialect::kPostgres) return;
  MarkFailed(sql, organization_id, StaleCutoff());
}

nlohmann::json ToJson(const Operation& o, bool with_details) {
  nlohmann::json json = {{"id", o.id},
                         {"kind", o.kind},
                         {"source", o.source},
                         {"status", o.status},
                         {"message", o.message},
                         {"counts", o.counts},
                         {"actor_name", Optional(o.actor_name)},
                         {"started_at", o.started_at},
                         {"updated_at", o.updated_at},
                         {"finished_at", Optional(o.finished_at)}};
  if (with_details) json["details"] = o.details;
  return json;
}

}  // namespace upravdom::exchange
