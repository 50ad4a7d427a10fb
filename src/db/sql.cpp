#include "db/sql.hpp"

#include <stdexcept>

namespace upravdom::db {

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

Sql& Sql::Page(long long limit, long long offset) {
  if (limit < 0) return *this;
  *this << " LIMIT ";
  Bind(limit) << " OFFSET ";
  return Bind(offset);
}

long long Row::Int(size_t i) const {
  switch (row_.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row_.get<int>(i);
    case soci::dt_long_long:
      return row_.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(row_.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(row_.get<double>(i));
    case soci::dt_string:
      return std::stoll(row_.get<std::string>(i));
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
  switch (row_.get_properties(i).get_data_type()) {
    case soci::dt_string:
      return row_.get<std::string>(i);
    case soci::dt_integer:
    case soci::dt_long_long:
    case soci::dt_unsigned_long_long:
      return std::to_string(Int(i));
    case soci::dt_double:
      return std::to_string(row_.get<double>(i));
    default:
      throw std::runtime_error("column " + std::to_string(i) + " is not text");
  }
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

double Row::Real(size_t i) const {
  switch (row_.get_properties(i).get_data_type()) {
    case soci::dt_double:
      return row_.get<double>(i);
    case soci::dt_string:
      return std::stod(row_.get<std::string>(i));
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

const char* PositionFunction(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "instr" : "strpos";
}

void Exec(soci::session& sql, const Sql& query) {
  soci::statement statement(query.Prepare(sql));
  statement.execute(true);
}

void ForEachRow(soci::session& sql, const Sql& query,
                const std::function<void(const Row&)>& visit) {
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

std::optional<std::string> QueryText(soci::session& sql, const Sql& query) {
  std::optional<std::string> result;
  bool seen = false;
  ForEachRow(sql, query, [&](const Row& row) {
    if (!seen) result = row.OptText(0);
    seen = true;
  });
  return result;
}

long long InsertReturningId(soci::session& sql, const Sql& query) {
  std::optional<long long> id = QueryInt(sql, query);
  if (!id) throw std::runtime_error("INSERT … RETURNING id gave no row");
  return *id;
}

void AdjustRecordCount(soci::session& sql, long long organization_id, const std::string& entity,
                       long long delta) {
  Sql upsert("INSERT INTO record_counts (organization_id, entity, total) VALUES (");
  upsert.Bind(organization_id) << ", ";
  upsert.Bind(entity) << ", ";
  upsert.Bind(delta) << ") ON CONFLICT (organization_id, entity) DO UPDATE SET total = "
                        "record_counts.total + excluded.total";
  Exec(sql, upsert);
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
