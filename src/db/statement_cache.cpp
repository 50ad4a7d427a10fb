#include "db/statement_cache.hpp"

#include <mutex>
#include <shared_mutex>
#include <stdexcept>

#include <soci/sqlite3/soci-sqlite3.h>

namespace upravdom::db {

using sqlite_api::sqlite3;
using sqlite_api::sqlite3_stmt;

namespace {

class SqliteError : public soci::sqlite3_soci_error {
 public:
  SqliteError(const std::string& message, int result) : sqlite3_soci_error(message, result) {}
  error_category get_error_category() const override {
    return (result() & 0xff) == SQLITE_CONSTRAINT ? constraint_violation : unknown;
  }
};

// Connection → its cache. Written when a cache is attached or destroyed, read on every
// statement (by the thread holding the session, several threads at once).
struct Registry {
  std::shared_mutex mutex;
  std::unordered_map<sqlite3*, StatementCache*> caches;
};

Registry& TheRegistry() {
  // Never destroyed: a Database destroyed during static destruction still finds it.
  static Registry* registry = new Registry;
  return *registry;
}

sqlite3* NativeConnection(soci::session& sql) {
  soci::details::session_backend* backend = sql.get_backend();
  if (!backend || backend->get_backend_name() != "sqlite3") return nullptr;
  return static_cast<soci::sqlite3_session_backend*>(backend)->conn_;
}

}  // namespace

void ThrowSqliteError(sqlite3* connection, int result, const std::string& text) {
  SqliteError error(sqlite_api::sqlite3_errmsg(connection), result);
  error.add_context("executing \"" + text + "\"");
  throw error;
}

StatementCache::StatementCache(soci::session& sql, size_t capacity)
    : connection_(NativeConnection(sql)), capacity_(capacity) {
  if (!connection_) throw std::logic_error("a statement cache needs an open SQLite session");
  Registry& registry = TheRegistry();
  std::unique_lock lock(registry.mutex);
  if (!registry.caches.emplace(connection_, this).second)
    throw std::logic_error("the SQLite connection already has a statement cache");
}

StatementCache::~StatementCache() {
  {
    Registry& registry = TheRegistry();
    std::unique_lock lock(registry.mutex);
    registry.caches.erase(connection_);
  }
  index_.clear();
  for (Entry& entry : entries_) sqlite_api::sqlite3_finalize(entry.statement);
}

StatementCache* StatementCache::Of(soci::session& sql) {
  sqlite3* connection = NativeConnection(sql);
  if (!connection) return nullptr;
  Registry& registry = TheRegistry();
  std::shared_lock lock(registry.mutex);
  auto found = registry.caches.find(connection);
  return found == registry.caches.end() ? nullptr : found->second;
}

sqlite3_stmt* StatementCache::Prepare(const std::string& text) {
  sqlite3_stmt* statement = nullptr;
  // The length counts the terminating NUL: SQLite then need not copy the text.
  const int result =
      sqlite_api::sqlite3_prepare_v3(connection_, text.c_str(), static_cast<int>(text.size() + 1),
                                     SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (result != SQLITE_OK) {
    sqlite_api::sqlite3_finalize(statement);
    ThrowSqliteError(connection_, result, text);
  }
  return statement;
}

StatementCache::Lease StatementCache::Acquire(const std::string& text) {
  if (auto found = index_.find(text); found != index_.end()) {
    auto entry = found->second;
    if (!entry->in_use) {
      entry->in_use = true;
      entries_.splice(entries_.begin(), entries_, entry);
      ++counters_.reused;
      return Lease(this, entry->statement, entry);
    }
    ++counters_.transient;
    return Lease(nullptr, Prepare(text), {});
  }
  sqlite3_stmt* statement = Prepare(text);
  if (!statement) return Lease(nullptr, nullptr, {});  // nothing to run: not worth a slot
  entries_.push_front({text, statement, true});
  index_.emplace(entries_.front().text, entries_.begin());
  ++counters_.prepared;
  EvictBeyondCapacity();
  return Lease(this, statement, entries_.begin());
}

void StatementCache::Release(std::list<Entry>::iterator entry) {
  sqlite_api::sqlite3_reset(entry->statement);
  sqlite_api::sqlite3_clear_bindings(entry->statement);
  entry->in_use = false;
  EvictBeyondCapacity();  // it may have been kept over the capacity while in use
}

void StatementCache::EvictBeyondCapacity() {
  for (auto entry = entries_.end(); entries_.size() > capacity_ && entry != entries_.begin();) {
    --entry;
    if (entry->in_use) continue;
    index_.erase(entry->text);
    sqlite_api::sqlite3_finalize(entry->statement);
    entry = entries_.erase(entry);
    ++counters_.evicted;
  }
}

void StatementCache::Clear() {
  for (auto entry = entries_.begin(); entry != entries_.end();) {
    if (entry->in_use) {
      ++entry;
      continue;
    }
    index_.erase(entry->text);
    sqlite_api::sqlite3_finalize(entry->statement);
    entry = entries_.erase(entry);
  }
}

StatementCache::Lease::Lease(StatementCache* cache, sqlite3_stmt* statement,
                             std::list<Entry>::iterator entry)
    : cache_(cache), statement_(statement), entry_(entry) {}

StatementCache::Lease::Lease(Lease&& other) noexcept
    : cache_(other.cache_), statement_(other.statement_), entry_(other.entry_) {
  other.cache_ = nullptr;
  other.statement_ = nullptr;
}

StatementCache::Lease::~Lease() {
  if (cache_)
    cache_->Release(entry_);
  else if (statement_)
    sqlite_api::sqlite3_finalize(statement_);
}

}  // namespace upravdom::db
