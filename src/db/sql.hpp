// Building SQL with bound parameters and reading rows portably across SQLite and PostgreSQL.
// SQL text is appended only from code; every value goes through Bind(), never into the text.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "db/database.hpp"
#include "db/statement_cache.hpp"

namespace upravdom::db {

class Sql {
 public:
  Sql() = default;
  explicit Sql(std::string_view text) : text_(text) {}

  // Appends SQL text written in code (never user input).
  Sql& operator<<(std::string_view text) {
    text_ += text;
    return *this;
  }
  // Appends a placeholder and binds the value to it.
  Sql& Bind(long long value);
  Sql& Bind(int value) { return Bind(static_cast<long long>(value)); }
  Sql& Bind(bool value) { return Bind(static_cast<long long>(value ? 1 : 0)); }
  Sql& Bind(const std::string& value);
  Sql& Bind(std::string_view value) { return Bind(std::string(value)); }
  Sql& Bind(const char* value) { return Bind(std::string(value)); }
  Sql& Bind(double value);
  Sql& BindNull();
  template <class T>
  Sql& Bind(const std::optional<T>& value) {
    return value ? Bind(*value) : BindNull();
  }
  // "(:p1, :p2, …)" with every value bound, for IN.
  template <class T>
  Sql& BindList(const std::vector<T>& values) {
    *this << "(";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) *this << ", ";
      Bind(values[i]);
    }
    return *this << ")";
  }
  // " LIMIT … OFFSET …" unless limit < 0 (everything).
  Sql& Page(long long limit, long long offset);

  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }

  // Starts a SOCI statement with every parameter bound (used by the helpers below).
  soci::details::prepare_temp_type Prepare(soci::session& sql) const;
  // Binds every parameter to a prepared SQLite statement of this text, by position (the
  // placeholders are :p1…:pN in order). The values must outlive the statement's use.
  void BindTo(sqlite_api::sqlite3_stmt* statement) const;
  // The text with PostgreSQL's placeholders ($1…$N, as SOCI rewrites :p1…:pN) and the
  // parameters' values in libpq's text format (null for NULL), for PQexecParams.
  std::string PostgresText() const;
  struct PostgresParams {
    std::vector<std::string> rendered;  // numbers as text
    std::vector<const char*> values;    // into `rendered` or this Sql's text values
  };
  PostgresParams PostgresValues() const;

 private:
  struct Param {
    enum class Kind { kInteger, kText, kReal } kind;
    long long integer = 0;
    std::string text;
    double real = 0;
    soci::indicator indicator = soci::i_ok;
  };
  Sql& AddParam(Param param);

  std::string text_;
  // A deque keeps every Param at a stable address: SOCI binds them by reference.
  mutable std::deque<Param> params_;
};

namespace detail {
class SqliteColumns;    // the result columns of a cached SQLite statement (sql.cpp)
class PostgresColumns;  // a row of a PostgreSQL result read through libpq (sql.cpp)
}  // namespace detail

// One result row, read by column index, whatever integer type the backend reports: a SOCI
// row (uncached SQLite), the current row of a cached SQLite statement, read with the
// semantics of SOCI's SQLite rows (a column is typed by its declared type; Int reads
// integers, reals (truncated) and text holding an integer; Text renders integers in decimal
// and reals of REAL/NUMERIC… columns with std::to_string; Int and Real of NULL throw
// soci::soci_error) — except that INTEGER columns are read as 64-bit, where SOCI 4.0 reads
// 32 bits —, or a row of a PostgreSQL result read with libpq, with the semantics of SOCI's
// PostgreSQL rows (typed by the column's type: integers and booleans as integers, float4,
// float8 and numeric as doubles, text kinds as text; dates and times are not read).
class Row {
 public:
  explicit Row(const soci::row& row) : row_(&row) {}
  explicit Row(detail::SqliteColumns& columns) : columns_(&columns) {}
  explicit Row(const detail::PostgresColumns& columns) : postgres_(&columns) {}
  bool IsNull(size_t i) const;
  long long Int(size_t i) const;
  std::optional<long long> OptInt(size_t i) const;
  std::string Text(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  double Real(size_t i) const;
  bool Bool(size_t i) const { return Int(i) != 0; }
  size_t size() const;

 private:
  const soci::row* row_ = nullptr;
  detail::SqliteColumns* columns_ = nullptr;
  const detail::PostgresColumns* postgres_ = nullptr;
};

// The name of the substring-position function: instr (SQLite) or strpos (PostgreSQL).
// A substring test through it treats '%' and '_' typed by users as plain characters.
const char* PositionFunction(Dialect dialect);

// Whether the organisation's row `id` of `table` exists.
bool RowExists(soci::session& sql, const std::string& table, long long organization_id,
               long long id);
// Whether the organisation's row `id` of `table` exists; on PostgreSQL it is also locked
// (FOR UPDATE) until the transaction ends. Writes that check rules over a premise's links
// or ledger lock the premise first, so that two of them at once run one after the other —
// as on SQLite, where a write transaction holds the database's write lock.
bool LockRow(soci::session& sql, Dialect dialect, const std::string& table,
             long long organization_id, long long id);
// PostgreSQL: locks the organisation's rows `ids` of `table` (FOR UPDATE, in id order, so
// that two writers locking overlapping sets wait rather than deadlock) until the transaction
// ends. SQLite: nothing (a write transaction holds the database's write lock).
void LockRows(soci::session& sql, Dialect dialect, const std::string& table,
              long long organization_id, std::vector<long long> ids);

// These run on the connection's StatementCache when it has one (SQLite connections of a
// Database), on libpq's PQexecParams for PostgreSQL (one round trip: SOCI prepares a named
// statement, executes it and deallocates it — three), through SOCI otherwise.
void Exec(soci::session& sql, const Sql& query);
// Calls `visit` for every row of the result.
void ForEachRow(soci::session& sql, const Sql& query, const std::function<void(const Row&)>& visit);
// The first column of the first row, if any row.
std::optional<long long> QueryInt(soci::session& sql, const Sql& query);
std::optional<std::string> QueryText(soci::session& sql, const Sql& query);
// Rows of (text, integer) as a map: a batch of keys and the ids they found.
std::map<std::string, long long> QueryIdsByText(soci::session& sql, const Sql& query);
// Runs an INSERT … RETURNING id and gives the id.
long long InsertReturningId(soci::session& sql, const Sql& query);

// Per-organisation record counts (table record_counts), kept in the transactions that add
// and remove records, so an unfiltered register shows its total without counting rows.
// A bulk writer (the import engine) collects the changes in a CountChanges instead of one
// upsert per row — over PostgreSQL each is a round trip — and writes them once per entity
// before it commits.
using CountChanges = std::map<std::string, long long>;  // entity → delta
void AdjustRecordCount(soci::session& sql, long long organization_id, const std::string& entity,
                       long long delta, CountChanges* deferred = nullptr);
void WriteCountChanges(soci::session& sql, long long organization_id, const CountChanges& changes);
long long RecordCount(soci::session& sql, long long organization_id, const std::string& entity);

// A list page: `from` is "FROM table alias …joins", `count_from` the same without the joins
// the count does not need; `where` appends the filter and returns false when it can match
// nothing. Counts the matches first (when `count`), then visits the rows of the page in
// `order_by` order. Returns the count (0 when not counted).
long long ListPage(soci::session& sql, const std::string& columns, const std::string& from,
                   const std::string& count_from, const std::function<bool(Sql&)>& where,
                   const std::string& order_by, long long limit, long long offset, bool count,
                   const std::function<void(const Row&)>& visit);

}  // namespace upravdom::db
