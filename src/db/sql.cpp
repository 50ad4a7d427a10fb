#include "db/sql.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace upravdom::db {

using sqlite_api::sqlite3_stmt;

Sql& Sql::AddParam(Param param) {
  params_.push_back(std::move(param));
  text_ += ":p" + std::to_string(params_.size());
  return *this;
}

Sql& Sql::Bind(long long value) {
  return AddParam({Param::Kind::kInteger, value, {}, 0});
}
Sql& Sql::Bind(const std::string& value) {
  return AddParam({Param::Kind::kText, 0, value, 0});
}
Sql& Sql::Bind(double value) {
  return AddParam({Param::Kind::kReal, 0, {}, value});
}
Sql& Sql::BindNull() {
  Param param{Param::Kind::kText, 0, {}, 0};
  param.indicator = soci::i_null;
  return AddParam(std::move(param));
}

soci::details::prepare_temp_type Sql::Prepare(soci::session& sql) const {
  soci::details::prepare_temp_type prepared = (sql.prepare << text_);
  for (Param& param : params_) {
    switch (param.kind) {
      case Param::Kind::kInteger:
        prepared, soci::use(param.integer, param.indicator);
        break;
      case Param::Kind::kText:
        prepared, soci::use(param.text, param.indicator);
        break;
      case Param::Kind::kReal:
        prepared, soci::use(param.real, param.indicator);
        break;
    }
  }
  return prepared;
}

void Sql::BindTo(sqlite3_stmt* statement) const {
  const int count = sqlite_api::sqlite3_bind_parameter_count(statement);
  if (count != static_cast<int>(params_.size()))
    throw std::logic_error("statement has " + std::to_string(count) + " parameters, " +
                           std::to_string(params_.size()) + " bound: " + text_);
  int position = 0;
  for (const Param& param : params_) {
    ++position;
    int result = SQLITE_OK;
    if (param.indicator == soci::i_null) {
      result = sqlite_api::sqlite3_bind_null(statement, position);
    } else {
      switch (param.kind) {
        case Param::Kind::kInteger:
          result = sqlite_api::sqlite3_bind_int64(statement, position, param.integer);
          break;
        case Param::Kind::kText:
          // SQLITE_STATIC: the text stays here, unchanged, until the statement is reset.
          result =
              sqlite_api::sqlite3_bind_text(statement, position, param.text.data(),
                                            static_cast<int>(param.text.size()), SQLITE_STATIC);
          break;
        case Param::Kind::kReal:
          result = sqlite_api::sqlite3_bind_double(statement, position, param.real);
          break;
      }
    }
    if (result != SQLITE_OK)
      ThrowSqliteError(sqlite_api::sqlite3_db_handle(statement), result, text_);
  }
}

std::string Sql::PostgresText() const {
  // As SOCI's PostgreSQL backend rewrites it: outside quotes and quoted identifiers, ":pN"
  // becomes "$N" and "::" (a cast) stays.
  std::string out;
  out.reserve(text_.size());
  enum class State { kNormal, kQuoted, kIdentifier } state = State::kNormal;
  for (size_t i = 0; i < text_.size(); ++i) {
    const char c = text_[i];
    if (state == State::kQuoted) {
      if (c == '\'') state = State::kNormal;
    } else if (state == State::kIdentifier) {
      if (c == '"') state = State::kNormal;
    } else if (c == '\'') {
      state = State::kQuoted;
    } else if (c == '"') {
      state = State::kIdentifier;
    } else if (c == ':' && i + 1 < text_.size() && text_[i + 1] == ':') {
      out += "::";
      ++i;
      continue;
    } else if (c == ':' && i + 2 < text_.size() && text_[i + 1] == 'p' &&
               std::isdigit(static_cast<unsigned char>(text_[i + 2]))) {
      out += '$';
      ++i;  // the digits follow
      continue;
    }
    out += c;
  }
  return out;
}

Sql::PostgresParams Sql::PostgresValues() const {
  PostgresParams params;
  params.rendered.reserve(params_.size());  // no reallocation: `values` point into it
  for (const Param& param : params_) {
    if (param.indicator == soci::i_null) {
      params.values.push_back(nullptr);
      continue;
    }
    switch (param.kind) {
      case Param::Kind::kText:
        params.values.push_back(param.text.c_str());
        continue;
      case Param::Kind::kInteger:
        params.rendered.push_back(std::to_string(param.integer));
        break;
      case Param::Kind::kReal: {
        char buffer[64];
        auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, param.real);
        params.rendered.emplace_back(buffer, error == std::errc() ? end : buffer);
        break;
      }
    }
    params.values.push_back(params.rendered.back().c_str());
  }
  return params;
}

Sql& Sql::Page(long long limit, long long offset) {
  if (limit < 0) return *this;
  *this << " LIMIT ";
  Bind(limit) << " OFFSET ";
  return Bind(offset);
}

namespace detail {

// The result columns of a cached SQLite statement during one run, typed as SOCI's SQLite
// backend types them (so that Row reads them as it reads SOCI's rows): by the declared type
// (sqlite3_column_decltype: none → text; INTEGER → integer; REAL, NUMERIC… → double; DATE…
// → date; BLOB → blob; the part before "(" or a space counts); a declared type SOCI does not
// know takes the storage class of the value where the column is first read (SOCI looks at
// the first row). Each column is typed once a run, when first read.
class SqliteColumns {
 public:
  enum class Type : signed char { kUnknown, kString, kInteger, kDouble, kDate, kBlob };

  explicit SqliteColumns(sqlite3_stmt* statement)
      : statement_(statement),
        types_(static_cast<size_t>(sqlite_api::sqlite3_column_count(statement)), Type::kUnknown) {}

  sqlite3_stmt* statement() const { return statement_; }
  size_t size() const { return types_.size(); }

  // The column's SQLite storage class of the current row (SQLITE_INTEGER…); throws
  // std::out_of_range past the last column, as SOCI's row does.
  int Storage(size_t i) const {
    if (i >= types_.size())
      throw std::out_of_range("column " + std::to_string(i) + " of " +
                              std::to_string(types_.size()));
    return sqlite_api::sqlite3_column_type(statement_, static_cast<int>(i));
  }

  Type TypeOf(size_t i) {
    const int storage = Storage(i);
    Type& type = types_[i];
    if (type == Type::kUnknown) type = Declared(i, storage);
    return type;
  }

 private:
  Type Declared(size_t i, int storage) const {
    // Read for every column of every run of a statement: no allocation, no map.
    struct Name {
      const char* name;
      Type type;
    };
    static constexpr Name kTypes[] = {
        {"blob", Type::kBlob},        {"date", Type::kDate},       {"time", Type::kDate},
        {"datetime", Type::kDate},    {"decimal", Type::kDouble},  {"double", Type::kDouble},
        {"float", Type::kDouble},     {"number", Type::kDouble},   {"numeric", Type::kDouble},
        {"real", Type::kDouble},      {"boolean", Type::kInteger}, {"int", Type::kInteger},
        {"integer", Type::kInteger},  {"int2", Type::kInteger},    {"mediumint", Type::kInteger},
        {"smallint", Type::kInteger}, {"tinyint", Type::kInteger}, {"bigint", Type::kInteger},
        {"int8", Type::kInteger},     {"char", Type::kString},     {"character", Type::kString},
        {"clob", Type::kString},      {"nchar", Type::kString},    {"nvarchar", Type::kString},
        {"text", Type::kString},      {"varchar", Type::kString}};
    const char* declared = sqlite_api::sqlite3_column_decltype(statement_, static_cast<int>(i));
    if (!declared) return Type::kString;
    // Up to the first character that is not a letter or a digit ("varchar(20)" → varchar),
    // in lower case; longer than any known name: not one of them.
    char name[16];
    size_t length = 0;
    for (const char* c = declared; std::isalnum(static_cast<unsigned char>(*c)); ++c) {
      if (length + 1 == sizeof name) break;
      name[length++] = static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    }
    name[length] = '\0';
    if (length + 1 < sizeof name)
      for (const Name& known : kTypes)
        if (std::strcmp(known.name, name) == 0) return known.type;
    switch (storage) {
      case SQLITE_INTEGER:
        return Type::kInteger;
      case SQLITE_FLOAT:
        return Type::kDouble;
      default:
        return Type::kString;
    }
  }

  sqlite3_stmt* statement_;
  std::vector<Type> types_;
};

// A row of a PostgreSQL result, typed as SOCI's PostgreSQL backend types its columns.
class PostgresColumns {
 public:
  enum class Type : signed char { kString, kInteger, kBoolean, kDouble, kOther };

  explicit PostgresColumns(PGresult* result) : result_(result) {
    const int count = PQnfields(result);
    types_.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) types_.push_back(TypeOf(PQftype(result, i)));
  }

  void SetRow(int row) { row_ = row; }
  size_t size() const { return types_.size(); }
  Type TypeAt(size_t i) const {
    if (i >= types_.size())
      throw std::out_of_range("column " + std::to_string(i) + " of " +
                              std::to_string(types_.size()));
    return types_[i];
  }
  bool IsNull(size_t i) const {
    TypeAt(i);
    return PQgetisnull(result_, row_, static_cast<int>(i)) != 0;
  }
  std::string_view Value(size_t i) const {
    return {PQgetvalue(result_, row_, static_cast<int>(i)),
            static_cast<size_t>(PQgetlength(result_, row_, static_cast<int>(i)))};
  }

 private:
  static Type TypeOf(Oid oid) {
    switch (oid) {
      case 20:  // int8
      case 21:  // int2
      case 23:  // int4
      case 26:  // oid
        return Type::kInteger;
      case 16:  // bool
        return Type::kBoolean;
      case 700:   // float4
      case 701:   // float8
      case 1700:  // numeric
        return Type::kDouble;
      case 25:    // text
      case 1043:  // varchar
      case 1042:  // bpchar
      case 18:    // char
      case 19:    // name
      case 2275:  // cstring
      case 114:   // json
      case 3802:  // jsonb
      case 2950:  // uuid
        return Type::kString;
      default:  // dates, times, arrays …: not read by this code
        return Type::kOther;
    }
  }

  PGresult* result_;
  int row_ = 0;
  std::vector<Type> types_;
};

}  // namespace detail

namespace {

using SqliteType = detail::SqliteColumns::Type;
using PostgresType = detail::PostgresColumns::Type;

long long ParseInteger(std::string_view text) {
  return std::stoll(std::string(text));
}
double ParseDouble(std::string_view text) {
  return std::stod(std::string(text));
}

[[noreturn]] void ThrowNull() {
  // What SOCI's row::get throws for a NULL read without an indicator.
  throw soci::soci_error("Null value not allowed for this type");
}

std::string ColumnText(sqlite3_stmt* statement, int i) {
  const auto* text = reinterpret_cast<const char*>(sqlite_api::sqlite3_column_text(statement, i));
  return std::string(text ? text : "",
                     static_cast<size_t>(sqlite_api::sqlite3_column_bytes(statement, i)));
}

}  // namespace

bool Row::IsNull(size_t i) const {
  if (postgres_) return postgres_->IsNull(i);
  if (row_) return row_->get_indicator(i) == soci::i_null;
  return columns_->Storage(i) == SQLITE_NULL;
}

size_t Row::size() const {
  if (postgres_) return postgres_->size();
  return row_ ? row_->size() : columns_->size();
}

long long Row::Int(size_t i) const {
  if (postgres_) {
    const PostgresType type = postgres_->TypeAt(i);
    if (type == PostgresType::kOther)
      throw std::runtime_error("column " + std::to_string(i) + " is not an integer");
    if (postgres_->IsNull(i)) ThrowNull();
    const std::string_view value = postgres_->Value(i);
    switch (type) {
      case PostgresType::kBoolean:
        return value == "t" ? 1 : 0;
      case PostgresType::kDouble:
        return static_cast<long long>(ParseDouble(value));
      default:
        return ParseInteger(value);
    }
  }
  if (columns_) {
    const SqliteType type = columns_->TypeOf(i);
    sqlite3_stmt* statement = columns_->statement();
    const int column = static_cast<int>(i);
    if (type == SqliteType::kDate || type == SqliteType::kBlob)
      throw std::runtime_error("column " + std::to_string(i) + " is not an integer");
    if (columns_->Storage(i) == SQLITE_NULL) ThrowNull();
    switch (type) {
      case SqliteType::kInteger:
        return sqlite_api::sqlite3_column_int64(statement, column);
      case SqliteType::kDouble:
        return static_cast<long long>(sqlite_api::sqlite3_column_double(statement, column));
      default:
        return std::stoll(ColumnText(statement, column));
    }
  }
  const soci::row& row = *row_;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return row.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(row.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(row.get<double>(i));
    case soci::dt_string:
      return std::stoll(row.get<std::string>(i));
    default:
      throw std::runtime_error("column " + std::to_string(i) + " is not an integer");
  }
}

std::optional<long long> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::string Row::Text(size_t i) const {
  if (IsNull(i)) return {};
  if (postgres_) {
    switch (postgres_->TypeAt(i)) {
      case PostgresType::kString:
        return std::string(postgres_->Value(i));
      case PostgresType::kInteger:
      case PostgresType::kBoolean:
        return std::to_string(Int(i));
      case PostgresType::kDouble:
        return std::to_string(ParseDouble(postgres_->Value(i)));
      default:
        throw std::runtime_error("column " + std::to_string(i) + " is not text");
    }
  }
  if (columns_) {
    sqlite3_stmt* statement = columns_->statement();
    const int column = static_cast<int>(i);
    switch (columns_->TypeOf(i)) {
      case SqliteType::kString:
        return ColumnText(statement, column);
      case SqliteType::kInteger:
        return std::to_string(Int(i));
      case SqliteType::kDouble:
        return std::to_string(sqlite_api::sqlite3_column_double(statement, column));
      default:
        throw std::runtime_error("column " + std::to_string(i) + " is not text");
    }
  }
  const soci::row& row = *row_;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_string:
      return row.get<std::string>(i);
    case soci::dt_integer:
    case soci::dt_long_long:
    case soci::dt_unsigned_long_long:
      return std::to_string(Int(i));
    case soci::dt_double:
      return std::to_string(row.get<double>(i));
    default:
      throw std::runtime_error("column " + std::to_string(i) + " is not text");
  }
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

double Row::Real(size_t i) const {
  if (postgres_) {
    switch (postgres_->TypeAt(i)) {
      case PostgresType::kDouble:
      case PostgresType::kString:
        if (postgres_->IsNull(i)) ThrowNull();
        return ParseDouble(postgres_->Value(i));
      default:
        return static_cast<double>(Int(i));
    }
  }
  if (columns_) {
    sqlite3_stmt* statement = columns_->statement();
    const int column = static_cast<int>(i);
    switch (columns_->TypeOf(i)) {
      case SqliteType::kDouble:
        if (columns_->Storage(i) == SQLITE_NULL) ThrowNull();
        return sqlite_api::sqlite3_column_double(statement, column);
      case SqliteType::kString:
        if (columns_->Storage(i) == SQLITE_NULL) ThrowNull();
        return std::stod(ColumnText(statement, column));
      default:
        return static_cast<double>(Int(i));
    }
  }
  const soci::row& row = *row_;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_double:
      return row.get<double>(i);
    case soci::dt_string:
      return std::stod(row.get<std::string>(i));
    default:
      return static_cast<double>(Int(i));
  }
}

namespace {
bool FindRow(soci::session& sql, const std::string& table, long long organization_id, long long id,
             bool for_update) {
  Sql query("SELECT id FROM " + table + " WHERE organization_id = ");
  query.Bind(organization_id) << " AND id = ";
  query.Bind(id);
  if (for_update) query << " FOR UPDATE";
  return QueryInt(sql, query).has_value();
}
}  // namespace

bool RowExists(soci::session& sql, const std::string& table, long long organization_id,
               long long id) {
  return FindRow(sql, table, organization_id, id, false);
}

bool LockRow(soci::session& sql, Dialect dialect, const std::string& table,
             long long organization_id, long long id) {
  return FindRow(sql, table, organization_id, id, dialect == Dialect::kPostgres);
}

void LockRows(soci::session& sql, Dialect dialect, const std::string& table,
              long long organization_id, std::vector<long long> ids) {
  if (dialect != Dialect::kPostgres || ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  constexpr size_t kChunk = 500;
  for (size_t from = 0; from < ids.size(); from += kChunk) {
    Sql query("SELECT id FROM " + table + " WHERE organization_id = ");
    query.Bind(organization_id) << " AND id IN ";
    query.BindList(std::vector<long long>(
        ids.begin() + static_cast<long>(from),
        ids.begin() + static_cast<long>(std::min(ids.size(), from + kChunk))));
    query << " ORDER BY id FOR UPDATE";
    ForEachRow(sql, query, [](const Row&) {});
  }
}

const char* PositionFunction(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "instr" : "strpos";
}

namespace {

// Runs the query on a cached statement, visiting each row (when `visit`); `text` is the
// query's text or, for InsertReturningId, the text without its RETURNING clause.
void RunCached(StatementCache& cache, const Sql& query, const std::string& text,
               const std::function<void(const Row&)>* visit) {
  StatementCache::Lease lease = cache.Acquire(text);
  sqlite3_stmt* statement = lease.statement();
  if (!statement) return;
  query.BindTo(statement);
  detail::SqliteColumns columns(statement);
  const Row row(columns);
  for (;;) {
    const int result = sqlite_api::sqlite3_step(statement);
    if (result == SQLITE_DONE) return;
    if (result != SQLITE_ROW) ThrowSqliteError(cache.connection(), result, text);
    if (visit) (*visit)(row);
  }
}

PGconn* PostgresConnection(soci::session& sql) {
  soci::details::session_backend* backend = sql.get_backend();
  if (!backend || backend->get_backend_name() != "postgresql") return nullptr;
  return static_cast<soci::postgresql_session_backend*>(backend)->conn_;
}

// Runs the query with PQexecParams (text parameters of unspecified type, as SOCI sends
// them, so PostgreSQL infers the same types), visiting each row (when `visit`). Errors are
// SOCI's PostgreSQL errors, with the SQLSTATE and so the category (a constraint → 409).
void RunPostgres(PGconn* connection, const Sql& query,
                 const std::function<void(const Row&)>* visit) {
  const std::string text = query.PostgresText();
  const Sql::PostgresParams params = query.PostgresValues();
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexecParams(connection, text.c_str(), static_cast<int>(params.values.size()), nullptr,
                   params.values.data(), nullptr, nullptr, 0),
      &PQclear);
  if (!result)
    throw soci::soci_error(std::string("Cannot execute query. ") + PQerrorMessage(connection));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* sqlstate = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    throw soci::postgresql_soci_error(
        std::string("Cannot execute query. ") + PQresultErrorMessage(result.get()),
        sqlstate ? sqlstate : "     ");
  }
  if (!visit || status != PGRES_TUPLES_OK) return;
  detail::PostgresColumns columns(result.get());
  const Row row(columns);
  const int rows = PQntuples(result.get());
  for (int i = 0; i < rows; ++i) {
    columns.SetRow(i);
    (*visit)(row);
  }
}

}  // namespace

void Exec(soci::session& sql, const Sql& query) {
  if (StatementCache* cache = StatementCache::Of(sql))
    return RunCached(*cache, query, query.text(), nullptr);
  if (PGconn* connection = PostgresConnection(sql)) return RunPostgres(connection, query, nullptr);
  soci::statement statement(query.Prepare(sql));
  statement.execute(true);
}

void ForEachRow(soci::session& sql, const Sql& query,
                const std::function<void(const Row&)>& visit) {
  if (StatementCache* cache = StatementCache::Of(sql))
    return RunCached(*cache, query, query.text(), &visit);
  if (PGconn* connection = PostgresConnection(sql)) return RunPostgres(connection, query, &visit);
  soci::rowset<soci::row> rows(query.Prepare(sql));
  for (const soci::row& row : rows) visit(Row(row));
}

std::optional<long long> QueryInt(soci::session& sql, const Sql& query) {
  std::optional<long long> result;
  ForEachRow(sql, query, [&](const Row& row) {
    if (!result && !row.IsNull(0)) result = row.Int(0);
  });
  return result;
}

std::map<std::string, long long> QueryIdsByText(soci::session& sql, const Sql& query) {
  std::map<std::string, long long> found;
  ForEachRow(sql, query, [&](const Row& row) { found.emplace(row.Text(0), row.Int(1)); });
  return found;
}

std::optional<std::string> QueryText(soci::session& sql, const Sql& query) {
  std::optional<std::string> result;
  bool seen = false;
  ForEachRow(sql, query, [&](const Row& row) {
    if (!seen) result = row.OptText(0);
    seen = true;
  });
  return result;
}

namespace {

// ASCII only (SQL keywords), inline: std::tolower per character of every INSERT's text
// was 6 % of an import's CPU, and a comparison passed as a function pointer (called, not
// inlined, per character) still 3 %.
constexpr auto kEqualNoCase = [](char a, char b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
  return lower(a) == lower(b);
};
bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), kEqualNoCase);
}
bool ContainsNoCase(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(), kEqualNoCase) !=
         text.end();
}

}  // namespace

long long InsertReturningId(soci::session& sql, const Sql& query) {
  // SQLite: a statement with RETURNING buffers its rows in an ephemeral table; the plain
  // INSERT and the connection's last rowid cost half as much (an imported premise:
  // ~110 → ~57 µs; docs/performance.md).
  // Only a plain «INSERT INTO … VALUES (…) RETURNING id»: an upsert's UPDATE leaves the last
  // rowid as it was, and an INSERT … SELECT may add several rows; those keep RETURNING.
  constexpr std::string_view kReturning = " RETURNING id";
  const std::string_view text = query.text();
  StatementCache* cache = StatementCache::Of(sql);
  if (cache && StartsWithNoCase(text, "insert into ") && text.ends_with(kReturning) &&
      !ContainsNoCase(text, "on conflict") && !ContainsNoCase(text, "select")) {
    const std::string plain(text.substr(0, text.size() - kReturning.size()));
    RunCached(*cache, query, plain, nullptr);
    if (sqlite_api::sqlite3_changes(cache->connection()) != 1)
      throw std::runtime_error("INSERT … RETURNING id gave no row");
    return sqlite_api::sqlite3_last_insert_rowid(cache->connection());
  }
  std::optional<long long> id = QueryInt(sql, query);
  if (!id) throw std::runtime_error("INSERT … RETURNING id gave no row");
  return *id;
}

void AdjustRecordCount(soci::session& sql, long long organization_id, const std::string& entity,
                       long long delta, CountChanges* deferred) {
  if (deferred) {
    (*deferred)[entity] += delta;
    return;
  }
  Sql upsert("INSERT INTO record_counts (organization_id, entity, total) VALUES (");
  upsert.Bind(organization_id) << ", ";
  upsert.Bind(entity) << ", ";
  upsert.Bind(delta) << ") ON CONFLICT (organization_id, entity) DO UPDATE SET total = "
                        "record_counts.total + excluded.total";
  Exec(sql, upsert);
}

void WriteCountChanges(soci::session& sql, long long organization_id, const CountChanges& changes) {
  for (const auto& [entity, delta] : changes)
    if (delta != 0) AdjustRecordCount(sql, organization_id, entity, delta);
}

long long RecordCount(soci::session& sql, long long organization_id, const std::string& entity) {
  Sql query("SELECT total FROM record_counts WHERE organization_id = ");
  query.Bind(organization_id) << " AND entity = ";
  query.Bind(entity);
  return QueryInt(sql, query).value_or(0);
}

long long ListPage(soci::session& sql, const std::string& columns, const std::string& from,
                   const std::string& count_from, const std::function<bool(Sql&)>& where,
                   const std::string& order_by, long long limit, long long offset, bool count,
                   const std::function<void(const Row&)>& visit) {
  long long total = 0;
  if (count) {
    Sql counting("SELECT COUNT(*) " + count_from);
    if (!where(counting)) return 0;
    total = QueryInt(sql, counting).value_or(0);
    if (total <= offset) return total;
  }
  Sql select("SELECT " + columns + " " + from);
  if (!where(select)) return 0;
  select << " ORDER BY " << order_by;
  select.Page(limit, offset);
  ForEachRow(sql, select, visit);
  return total;
}

}  // namespace upravdom::db
