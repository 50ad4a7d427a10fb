// generate: fills one new organisation with a realistic register of premises for benchmarks.
//
//   generate --db sqlite:PATH|postgresql://… --org-name NAME --objects N --premises M
//            [--clients C] [--seed S] [--login LOGIN] [--password PASSWORD]
//            [--links L] [--accounts A] [--charges-per-account K]
//   --clients C adds C clients (Russian full names, unique mobile phones, some ИНН / СНИЛС /
//   external ids «1c» / last visits, ~2 % companies); --premises 0 generates clients only.
//   --links L (needs premises and clients) links clients to premises, ~L/M a premise: owners
//   with shares (1/1, 1/2 + 1/2, 1/3 …, some without one), residents, tenants and
//   representatives depending on an owner, ДДУ / acceptance act / certificate / management
//   contract papers; a parking space or storage room is often owned by a flat owner of the
//   same building, and once every client is linked the next links reuse them (investors).
//   --accounts A (needs premises) creates three legal entities and A personal accounts, about
//   A/M a premise (some with a second account at the capital-repair fund, some with an ЕЛС),
//   each with K charges (default 12: one a month for the last K months; K = 36 gives 3
//   services a month) and payments by payer profile (most pay every month in full, some
//   skip months, pay part, never pay or pay ahead), then personal_accounts.debt and
//   clients.debt are computed from them with set-based SQL.
//
// Applies the migrations, creates the organisation and an admin user through the server's
// own access service (argon2id like `upravdom user create`), then writes object groups,
// quarters, N objects (apartment buildings and a few settlements) with entrances and floors,
// M premises with tags and external ids, and the street keys. Search keys come from the
// server's functions (premises::MakeSearchKeys, reference::SearchKey, text::FoldForSearch),
// so the search box finds generated rows exactly as it finds rows made through the API.
//
// Bulk path: SQLite through the C API (one prepared INSERT per table, one transaction,
// synchronous=OFF, no journal); PostgreSQL through COPY … FROM STDIN (text format). The rows
// are made on one thread and written on another; the premises' secondary indexes are dropped
// before the load and built again after it. Ids are assigned here (continuing after the
// largest id in each table), so the same seed gives the same rows in both databases. Nothing
// else may write to the database while it runs. The charges and payments of an account come
// from a hash of (seed, account id), so the payments can follow the charges without keeping
// 12 million amounts in memory.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/application.hpp"
#include "core/address.hpp"
#include "core/config.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "db/migrations.hpp"
#include "db/search_rowid.hpp"
#include "domains/access/crypto.hpp"
#include "domains/clients/model.hpp"
#include "domains/premises/model.hpp"
#include "domains/reference/service.hpp"
#include "domains/reference/spec.hpp"

using namespace upravdom;

namespace {

using Clock = std::chrono::steady_clock;

// CPU time of the process (user + system), seconds.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// ---------------------------------------------------------------------------------------------
// Bulk writers: rows are given field by field, then EndRow().

class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  virtual void Exec(const std::string& sql) = 0;
  // Rows of text (NULL as empty string).
  virtual std::vector<std::vector<std::string>> Query(const std::string& sql) = 0;
  virtual void StartTable(const std::string& table, const std::vector<std::string>& columns) = 0;
  virtual void EndTable() = 0;
  virtual void Int(long long value) = 0;
  virtual void Text(std::string_view value) = 0;
  virtual void Null() = 0;
  virtual void EndRow() = 0;
  // Drops the secondary indexes of `table` (those whose definition contains `containing`),
  // returning the statements that recreate them.
  virtual std::vector<std::string> DropIndexes(const std::string& table,
                                               const std::string& containing = "") = 0;
  virtual void Begin() = 0;
  virtual void Commit() = 0;
  // After explicit ids: identity sequences continue after the largest id.
  virtual void FixSequence(const std::string& table) = 0;
  virtual void Finish() = 0;

  void OptInt(const std::optional<long long>& value) { value ? Int(*value) : Null(); }
  void OptText(const std::optional<std::string>& value) { value ? Text(*value) : Null(); }
  long long MaxId(const std::string& table) {
    auto rows = Query("SELECT COALESCE(MAX(id), 0) FROM " + table);
    return std::stoll(rows.at(0).at(0));
  }
};

class SqliteWriter : public BulkWriter {
 public:
  explicit SqliteWriter(const std::string& path) {
    // One connection, used by one thread at a time: no mutexes needed.
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK)
      throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db_));
    // Speed over durability while generating: no fsync, no journal, a large page cache. The
    // file goes back to WAL at the end (the server sets WAL on every connection anyway).
    Exec("PRAGMA synchronous=OFF");
    Exec("PRAGMA journal_mode=OFF");
    Exec("PRAGMA foreign_keys=OFF");
    // 64 MiB of page cache and the sorter in memory: measured fastest for CREATE INDEX (a 1 GiB
    // cache made index building ~25 % slower; PRAGMA threads did not help).
    Exec("PRAGMA temp_store=MEMORY");
    Exec("PRAGMA cache_size=-65536");
    upravdom::db::RegisterSearchFunctions(db_);  // the search index's keys
  }
  ~SqliteWriter() override {
    if (stmt_) sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }

  void Exec(const std::string& sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      throw std::runtime_error(sql + ": " + message);
    }
  }
  std::vector<std::vector<std::string>> Query(const std::string& sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    std::vector<std::vector<std::string>> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    return rows;
  }
  void StartTable(const std::string& table, const std::vector<std::string>& columns) override {
    std::string sql = "INSERT INTO " + table + " (";
    std::string values;
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + columns[i];
      values += i ? ", ?" : "?";
    }
    sql += ") VALUES (" + values + ")";
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
        SQLITE_OK)
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    buffers_.assign(columns.size(), std::string());
    column_ = 0;
  }
  void EndTable() override {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
  void Int(long long value) override { sqlite3_bind_int64(stmt_, ++column_, value); }
  void Text(std::string_view value) override {
    // The value is copied into a buffer that lives until the next row's same column, so
    // SQLite may read it without its own copy.
    std::string& buffer = buffers_[column_];
    buffer.assign(value);
    sqlite3_bind_text(stmt_, ++column_, buffer.data(), static_cast<int>(buffer.size()),
                      SQLITE_STATIC);
  }
  void Null() override { sqlite3_bind_null(stmt_, ++column_); }
  void EndRow() override {
    if (sqlite3_step(stmt_) != SQLITE_DONE)
      throw std::runtime_error(std::string("insert: ") + sqlite3_errmsg(db_));
    sqlite3_reset(stmt_);
    column_ = 0;
  }
  std::vector<std::string> DropIndexes(const std::string& table,
                                       const std::string& containing) override {
    std::vector<std::string> create;
    for (const auto& row : Query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                 "sql IS NOT NULL AND tbl_name = '" +
                                 table + "'")) {
      if (row[1].find(containing) == std::string::npos) continue;
      Exec("DROP INDEX " + row[0]);
      create.push_back(row[1]);
    }
    return create;
  }
  void Begin() override { Exec("BEGIN"); }
  void Commit() override { Exec("COMMIT"); }
  void FixSequence(const std::string&) override {}  // INTEGER PRIMARY KEY follows MAX(id)
  void Finish() override {
    Exec("ANALYZE");  // the planner statistics the server would otherwise compute at start
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=NORMAL");
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::vector<std::string> buffers_;
  int column_ = 0;
};

class PostgresWriter : public BulkWriter {
 public:
  explicit PostgresWriter(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK)
      throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(conn_));
    Exec("SET client_min_messages TO WARNING");
    Exec("SET synchronous_commit TO OFF");
    Exec("SET maintenance_work_mem TO '512MB'");
    // The rows are consistent by construction: skip the per-row foreign-key triggers during
    // COPY when allowed (superuser); otherwise they run as usual.
    PQclear(PQexec(conn_, "SET session_replication_role TO replica"));
  }
  ~PostgresWriter() override { PQfinish(conn_); }

  void Exec(const std::string& sql) override { Check(PQexec(conn_, sql.c_str()), sql); }
  std::vector<std::vector<std::string>> Query(const std::string& sql) override {
    PGresult* result = PQexec(conn_, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) Check(result, sql);
    std::vector<std::vector<std::string>> rows;
    for (int r = 0; r < PQntuples(result); ++r) {
      std::vector<std::string> row;
      for (int c = 0; c < PQnfields(result); ++c) row.emplace_back(PQgetvalue(result, r, c));
      rows.push_back(std::move(row));
    }
    PQclear(result);
    return rows;
  }
  void StartTable(const std::string& table, const std::vector<std::string>& columns) override {
    std::string sql = "COPY " + table + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    sql += ") FROM STDIN";
    PGresult* result = PQexec(conn_, sql.c_str());
    if (PQresultStatus(result) != PGRES_COPY_IN) Check(result, sql);
    PQclear(result);
    copy_ = sql;
    first_field_ = true;
  }
  void EndTable() override {
    Flush();
    if (PQputCopyEnd(conn_, nullptr) != 1)
      throw std::runtime_error(std::string("COPY end: ") + PQerrorMessage(conn_));
    while (PGresult* result = PQgetResult(conn_)) Check(result, copy_);
  }
  void Int(long long value) override {
    Separator();
    char digits[24];
    int n = std::snprintf(digits, sizeof digits, "%lld", value);
    buffer_.append(digits, static_cast<size_t>(n));
  }
  void Text(std::string_view value) override {
    Separator();
    for (char c : value) {
      switch (c) {
        case '\\':
          buffer_ += "\\\\";
          break;
        case '\t':
          buffer_ += "\\t";
          break;
        case '\n':
          buffer_ += "\\n";
          break;
        case '\r':
          buffer_ += "\\r";
          break;
        default:
          buffer_ += c;
      }
    }
  }
  void Null() override {
    Separator();
    buffer_ += "\\N";
  }
  void EndRow() override {
    buffer_ += '\n';
    first_field_ = true;
    if (buffer_.size() > (1 << 20)) Flush();
  }
  std::vector<std::string> DropIndexes(const std::string& table,
                                       const std::string& containing) override {
    std::vector<std::string> create;
    for (const auto& row :
         Query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
               "AND tablename = '" +
               table + "' AND indexname NOT IN (SELECT conname FROM pg_constraint)")) {
      if (row[1].find(containing) == std::string::npos) continue;
      Exec("DROP INDEX " + row[0]);
      create.push_back(row[1]);
    }
    return create;
  }
  void Begin() override { Exec("BEGIN"); }
  void Commit() override { Exec("COMMIT"); }
  void FixSequence(const std::string& table) override {
    Query("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), (SELECT MAX(id) FROM " +
          table + "))");
  }
  void Finish() override { Exec("ANALYZE"); }

 private:
  void Check(PGresult* result, const std::string& sql) {
    ExecStatusType status = PQresultStatus(result);
    std::string message = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw std::runtime_error(sql.substr(0, 200) + ": " + message);
  }
  void Separator() {
    if (!first_field_) buffer_ += '\t';
    first_field_ = false;
  }
  void Flush() {
    if (buffer_.empty()) return;
    if (PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1)
      throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(conn_));
    buffer_.clear();
  }

  PGconn* conn_;
  std::string buffer_;
  std::string copy_;
  bool first_field_ = true;
};

// Runs another writer on a thread of its own: rows are recorded into a buffer that the writer
// thread replays, so making rows (search keys, ICU folding) overlaps with the database's work.
// Calls that return something, and the rare table starts/ends, first wait for the queue to
// drain and then run on the caller's thread.
class ThreadedWriter : public BulkWriter {
 public:
  explicit ThreadedWriter(std::unique_ptr<BulkWriter> target)
      : target_(std::move(target)), worker_([this] { Work(); }) {}
  ~ThreadedWriter() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }

  void Exec(const std::string& sql) override {
    Sync();
    target_->Exec(sql);
  }
  std::vector<std::vector<std::string>> Query(const std::string& sql) override {
    Sync();
    return target_->Query(sql);
  }
  void StartTable(const std::string& table, const std::vector<std::string>& columns) override {
    Sync();
    target_->StartTable(table, columns);
  }
  void EndTable() override {
    Sync();
    target_->EndTable();
  }
  void Int(long long value) override {
    current_ += kInt;
    current_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void Text(std::string_view value) override {
    current_ += kText;
    const uint32_t size = static_cast<uint32_t>(value.size());
    current_.append(reinterpret_cast<const char*>(&size), sizeof size);
    current_.append(value);
  }
  void Null() override { current_ += kNull; }
  void EndRow() override {
    current_ += kEndRow;
    if (current_.size() >= kBatchBytes) HandOff();
  }
  std::vector<std::string> DropIndexes(const std::string& table,
                                       const std::string& containing) override {
    Sync();
    return target_->DropIndexes(table, containing);
  }
  void Begin() override {
    Sync();
    target_->Begin();
  }
  void Commit() override {
    Sync();
    target_->Commit();
  }
  void FixSequence(const std::string& table) override {
    Sync();
    target_->FixSequence(table);
  }
  void Finish() override {
    Sync();
    target_->Finish();
  }

 private:
  enum Op : char { kInt, kText, kNull, kEndRow };
  static constexpr size_t kBatchBytes = 4 << 20;

  // Gives the recorded rows to the worker (waiting while it still replays the previous batch).
  void HandOff() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return pending_.empty() || error_; });
    Rethrow();
    pending_.swap(current_);
    current_.clear();
    changed_.notify_all();
  }
  // Waits until everything recorded has been written.
  void Sync() {
    if (!current_.empty()) HandOff();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return (pending_.empty() && !busy_) || error_; });
    Rethrow();
  }
  void Rethrow() {
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
  void Work() {
    std::string batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return !pending_.empty() || stop_; });
        if (pending_.empty()) return;
        batch.swap(pending_);
        busy_ = true;
      }
      changed_.notify_all();
      std::exception_ptr error;
      try {
        Replay(batch);
      } catch (...) {
        error = std::current_exception();
      }
      batch.clear();
      {
        std::lock_guard lock(mutex_);
        busy_ = false;
        if (error) error_ = error;
      }
      changed_.notify_all();
    }
  }
  void Replay(const std::string& batch) {
    const char* at = batch.data();
    const char* end = at + batch.size();
    while (at < end) {
      switch (*at++) {
        case kInt: {
          long long value;
          std::memcpy(&value, at, sizeof value);
          at += sizeof value;
          target_->Int(value);
          break;
        }
        case kText: {
          uint32_t size;
          std::memcpy(&size, at, sizeof size);
          at += sizeof size;
          target_->Text(std::string_view(at, size));
          at += size;
          break;
        }
        case kNull:
          target_->Null();
          break;
        case kEndRow:
          target_->EndRow();
          break;
      }
    }
  }

  std::unique_ptr<BulkWriter> target_;
  std::string current_;  // recorded by the caller's thread
  std::string pending_;  // handed to the worker
  bool busy_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::thread worker_;  // last: starts once the members above exist
};

// ---------------------------------------------------------------------------------------------
// Realistic Russian addresses.

// Street names in the genitive (they take any kind of street) and adjectives (feminine: they
// go with «ул.», before or after the name). Some have ё, some start with a number.
// clang-format off
const char* const kGenitiveNames[] = {
    "Ленина", "Мира", "Гоголя", "Пушкина", "Лермонтова", "Толстого", "Чехова", "Гагарина",
    "Кирова", "Горького", "Маяковского", "Чкалова", "Жукова", "Королёва", "Фрунзе", "Куйбышева",
    "Калинина", "Свердлова", "Мичурина", "Энтузиастов", "Строителей", "Космонавтов", "Победы",
    "Дружбы", "Островского", "Некрасова", "Тургенева", "Крылова", "Циолковского", "Ломоносова",
    "Суворова", "Кутузова", "Нахимова", "Ушакова", "Менделеева", "Павлова", "Вернадского",
    "Гончарова", "Есенина", "Блока", "Шолохова", "Чернышевского", "Герцена", "Белинского",
    "Достоевского", "Рылеева", "Пестеля", "Мусоргского", "Глинки", "Чайковского",
    "Римского-Корсакова", "Репина", "Левитана", "Шишкина", "Сурикова", "Серова", "Карбышева",
    "Панфилова", "Матросова", "Космодемьянской", "Советской Армии", "Металлургов", "Шахтёров",
    "Лётчиков", "Моряков", "Железнодорожников", "Связистов", "Водников", "Авиаторов",
    "Академика Королёва", "Маршала Жукова", "Генерала Белова", "Героев Панфиловцев",
    "Молодогвардейцев", "Красных Зорь", "Декабристов", "Парижской Коммуны", "Ватутина",
    "Рокоссовского", "8 Марта", "1 Мая", "9 Января", "50 лет Октября", "26 Бакинских Комиссаров"};

const char* const kAdjectiveNames[] = {
    "Садовая", "Школьная", "Лесная", "Молодёжная", "Берёзовая", "Ёлочная", "Зелёная", "Озёрная",
    "Полевая", "Центральная", "Советская", "Комсомольская", "Пионерская", "Октябрьская",
    "Первомайская", "Заводская", "Вокзальная", "Речная", "Луговая", "Солнечная", "Южная",
    "Северная", "Восточная", "Западная", "Новая", "Цветочная", "Рябиновая", "Сосновая",
    "Кленовая", "Вишнёвая", "Липовая", "Тополиная", "Садовая-Кудринская", "Большая Ордынка",
    "Малая Бронная", "Нагорная", "Подгорная", "Трудовая", "Рабочая", "Промышленная",
    "Спортивная", "Студенческая", "Парковая", "Приозёрная", "Весёлая", "Звёздная", "Снежная",
    "Фабричная", "Больничная", "Почтовая", "Нижняя Красносельская"};

// Streets inside settlements (own addresses of houses and plots).
const char* const kSettlementStreets[] = {
    "ул. Берёзовая", "ул. Ёлочная", "ул. Сосновая", "ул. Кедровая", "ул. Рябиновая",
    "ул. Лесная", "ул. Полевая", "ул. Луговая", "ул. Родниковая", "ул. Озёрная", "пер. Садовый",
    "пер. Тихий", "пр-д Лесной", "ул. Земляничная", "ул. Солнечная", "ул. Вишнёвая",
    "ул. Яблоневая", "ул. Дубовая", "ул. Еловая", "ул. Зелёная"};

const char* const kSettlementNames[] = {
    "Берёзки", "Ёлочки", "Сосновый бор", "Лесные дали", "Озёрный", "Рябиновка", "Солнечный",
    "Горки", "Зелёная роща", "Липки", "Дубрава", "Заречье"};

const char* const kComplexNames[] = {
    "Солнечный", "Северный", "Речной", "Парковый", "Звёздный", "Весенний", "Ёлки-Парк",
    "Зелёный квартал", "Лесной", "Новые Горки", "Первый", "Озёрный край"};

const char* const kDistricts[] = {
    "Северный округ", "Южный округ", "Западный округ", "Восточный округ", "Центральный округ",
    "Подольск", "Химки", "Балашиха", "Мытищи", "Королёв", "Люберцы", "Красногорск"};
// clang-format on

// Tags with their probability (per premise).
struct TagSpec {
  const char* name;
  double share;
};
const TagSpec kTags[] = {{"Должник", 0.05},
                         {"Льготник", 0.03},
                         {"Счётчики ГВС", 0.03},
                         {"Электроплита", 0.02},
                         {"Газ", 0.02},
                         {"Аренда", 0.015},
                         {"Юрлицо", 0.01},
                         {"Капремонт 2025", 0.01},
                         {"Проверка показаний", 0.005},
                         {"Суд", 0.003},
                         {"VIP", 0.001},
                         {"Ключи у консьержа", 0.001}};

const char* const kNotes[] = {"Ключи у консьержа", "Собственник проживает за границей",
                              "Перепланировка согласована", "Счётчик ХВС поверен в 2024 году",
                              "Доступ только по звонку"};

class Random {
 public:
  explicit Random(unsigned long long seed) : engine_(seed) {}
  long long Int(long long lo, long long hi) {  // inclusive
    return std::uniform_int_distribution<long long>(lo, hi)(engine_);
  }
  double Real(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }
  bool Chance(double p) { return Real(0, 1) < p; }
  template <class T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[static_cast<size_t>(Int(0, N - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

const char kUpperLetters[][3] = {"А", "Б", "В", "Г", "Д"};

// A house number for an object: plain, with a letter, a fraction or a block.
std::string HouseNumber(Random& rng, long long base) {
  std::string n = std::to_string(base);
  double r = rng.Real(0, 1);
  if (r < 0.60) return n;
  if (r < 0.70) return n + kUpperLetters[rng.Int(0, 2)];               // 10А
  if (r < 0.73) return n + " " + kUpperLetters[rng.Int(0, 1)];         // 10 А
  if (r < 0.81) return n + "/" + std::to_string(rng.Int(1, 12));       // 10/2
  if (r < 0.90) return n + "к" + std::to_string(rng.Int(1, 4));        // 10к2
  if (r < 0.93) return n + " корп. " + std::to_string(rng.Int(1, 4));  // 10 корп. 2
  return n + " стр. " + std::to_string(rng.Int(1, 3));                 // 25 стр. 1
}

struct Street {
  std::string name;  // "ул. Ленина"
  std::string key;   // address::StreetKey(name)
};

std::vector<Street> MakeCityStreets(Random& rng) {
  std::vector<Street> streets;
  std::set<std::string> names;
  auto add = [&](std::string name) {
    if (names.insert(name).second) streets.push_back({name, address::StreetKey(name)});
  };
  for (const char* name : kGenitiveNames) {
    double r = rng.Real(0, 1);
    const char* kind = r < 0.62   ? "ул. "
                       : r < 0.74 ? "пр-т "
                       : r < 0.84 ? "пер. "
                       : r < 0.90 ? "б-р "
                       : r < 0.95 ? "ш. "
                                  : "наб. ";
    add(kind + std::string(name));
    // Some names have two streets: «ул. Ленина» and «пер. Ленина» share the search key.
    if (rng.Chance(0.15)) add((rng.Chance(0.5) ? "пер. " : "пр-д ") + std::string(name));
  }
  for (const char* name : kAdjectiveNames) {
    if (rng.Chance(0.3))
      add(std::string(name) + " ул.");  // «Садовая ул.»
    else
      add("ул. " + std::string(name));
  }
  return streets;
}

// ---------------------------------------------------------------------------------------------

struct Options {
  std::string db;
  std::string org_name;
  long long objects = 0;
  long long premises = 0;
  long long clients = 0;
  long long links = 0;
  long long accounts = 0;
  long long charges_per_account = 12;
  unsigned long long seed = 1;
  std::string login;
  std::string password = "bench-password";
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << problem << "\n"
            << "usage: generate --db sqlite:PATH|postgresql://… --org-name NAME --objects N "
               "--premises M [--clients C] [--links L] [--accounts A] [--charges-per-account K] "
               "[--seed S] [--login LOGIN] [--password PASSWORD]\n";
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) Usage("missing value after " + flag);
    std::string value = argv[++i];
    try {
      if (flag == "--db")
        options.db = value;
      else if (flag == "--org-name")
        options.org_name = value;
      else if (flag == "--objects")
        options.objects = std::stoll(value);
      else if (flag == "--premises")
        options.premises = std::stoll(value);
      else if (flag == "--clients")
        options.clients = std::stoll(value);
      else if (flag == "--links")
        options.links = std::stoll(value);
      else if (flag == "--accounts")
        options.accounts = std::stoll(value);
      else if (flag == "--charges-per-account")
        options.charges_per_account = std::stoll(value);
      else if (flag == "--seed")
        options.seed = std::stoull(value);
      else if (flag == "--login")
        options.login = value;
      else if (flag == "--password")
        options.password = value;
      else
        Usage("unknown option " + flag);
    } catch (const std::logic_error&) {
      Usage("bad value for " + flag + ": " + value);
    }
  }
  if (options.db.empty() || options.org_name.empty()) Usage("--db and --org-name are required");
  if (options.clients < 0) Usage("need --clients ≥ 0");
  // --premises 0 (with --clients): no premises, objects or reference data at all.
  if (options.premises != 0 && (options.objects < 1 || options.premises < options.objects))
    Usage("need --objects ≥ 1 and --premises ≥ --objects (or --premises 0)");
  if (options.premises == 0 && options.clients == 0) Usage("nothing to generate");
  if (options.links < 0 || (options.links > 0 && (options.premises == 0 || options.clients == 0)))
    Usage("--links needs --premises and --clients");
  if (options.accounts < 0 || (options.accounts > 0 && options.premises == 0))
    Usage("--accounts needs --premises");
  if (options.charges_per_account < 0 || options.charges_per_account > 240)
    Usage("need 0 ≤ --charges-per-account ≤ 240");
  return options;
}

const reference::ResourceSpec& Spec(const std::string& table) {
  for (const auto& spec : reference::ReferenceSpecs())
    if (spec.table == table) return spec;
  throw std::logic_error("no reference spec for " + table);
}

struct Counts {
  long long groups = 0, quarters = 0, objects = 0, entrances = 0, floors = 0, premises = 0,
            tags = 0, premise_tags = 0, streets = 0, clients = 0, client_external_ids = 0,
            links = 0, legal_entities = 0, accounts = 0, charges = 0, payments = 0;
};

// Rows and time of one bulk-loaded table: the rows, then the indexes built after them.
struct TableTime {
  std::string table;
  long long rows = 0;
  double insert_seconds = 0, index_seconds = 0;
};

class Generator {
 public:
  Generator(BulkWriter& out, long long org, const Options& options)
      : out_(out), org_(org), options_(options), rng_(options.seed), now_(timeutil::NowIso()) {}

  Counts Run();
  double premises_seconds() const { return premises_seconds_; }
  double insert_seconds() const { return insert_seconds_; }
  double premises_cpu() const { return premises_cpu_; }
  double insert_cpu() const { return insert_cpu_; }
  double clients_seconds() const { return clients_seconds_; }
  const std::vector<TableTime>& table_times() const { return table_times_; }
  double account_debt_seconds() const { return account_debt_seconds_; }
  double client_debt_seconds() const { return client_debt_seconds_; }

 private:
  struct Group {
    long long id;
    std::string city;
    std::vector<long long> quarters;
  };
  struct Floor {
    long long id, object_id;
    std::optional<long long> entrance_id;
    long long number;
  };
  struct Object {
    long long id, group_id;
    std::optional<long long> quarter_id;
    std::string name, city, street, house;
    bool settlement = false;
    long long premises = 0;
    // Filled while writing entrances/floors.
    long long entrances = 0, floors_per_entrance = 0;
    std::vector<long long> entrance_ids;            // [entrance-1]
    std::vector<std::vector<long long>> floor_ids;  // [entrance-1][floor-1]
    std::vector<long long> underground;             // floor ids of levels -1, -2
  };

  void PlanGroups();
  void PlanObjects();
  void WriteReference();
  void WriteTags();
  void WritePremises();
  void WriteBuilding(Object& object);
  void WriteSettlement(Object& object);
  void WritePremise(const Object& object, premises::Premise& p);
  void WriteClients();
  void WriteLinks();
  void WriteAccounts();
  void ComputeDebts();
  bool HasColumn(const std::string& table, const std::string& column);

  // What links and accounts need to know of a premise.
  enum PremiseKind : uint8_t { kDwelling, kNonResidential, kParking, kStorage, kLand };
  struct PremiseInfo {
    long long id;
    uint32_t object;  // index into objects_
    PremiseKind kind;
    int32_t area;  // hundredths of a square metre, 0 when unknown
  };
  // What the charges and payments of an account follow from.
  enum AccountKind : uint8_t { kHousing, kRepairFund, kParkingSpace };
  struct AccountInfo {
    long long id;
    int32_t area;
    AccountKind kind;
  };

  BulkWriter& out_;
  long long org_;
  const Options& options_;
  Random rng_;
  std::string now_;
  Counts counts_;
  std::vector<Group> groups_;
  std::vector<Object> objects_;
  std::vector<long long> tag_ids_;
  std::vector<std::pair<long long, long long>> premise_tags_;
  std::set<std::string> street_keys_;
  long long next_premise_id_ = 0;
  long long next_floor_id_ = 0;
  long long next_entrance_id_ = 0;
  double premises_seconds_ = 0;
  double insert_seconds_ = 0;
  double premises_cpu_ = 0;
  double insert_cpu_ = 0;
  double clients_seconds_ = 0;
  std::vector<PremiseInfo> premise_info_;
  long long first_client_id_ = 0;
  std::vector<TableTime> table_times_;
  double account_debt_seconds_ = 0;
  double client_debt_seconds_ = 0;
};

void Generator::PlanGroups() {
  // About 400 objects per group (at most 12): on 4,000 objects × 250 premises one group
  // holds ~100,000 premises, the size of a large export.
  long long count = std::clamp<long long>(options_.objects / 400, 1, std::size(kDistricts));
  long long next_group = out_.MaxId("object_groups") + 1;
  long long next_quarter = out_.MaxId("quarters") + 1;
  for (long long g = 0; g < count; ++g) {
    Group group{next_group++, "", {}};
    std::string name = kDistricts[g];
    group.city = name.find("округ") != std::string::npos ? "Москва" : name;
    long long quarters = std::clamp<long long>(options_.objects / count / 40, 1, 20);
    for (long long q = 0; q < quarters; ++q) group.quarters.push_back(next_quarter++);
    groups_.push_back(group);
  }
}

void Generator::PlanObjects() {
  std::vector<Street> streets = MakeCityStreets(rng_);
  std::map<std::string, long long> last_house;         // per street key: the next house numbers
  std::set<std::pair<std::string, std::string>> used;  // (street key, house key)
  long long next_id = out_.MaxId("objects") + 1;
  std::vector<double> weights;
  for (long long i = 0; i < options_.objects; ++i) {
    Object object;
    object.id = next_id++;
    const Group& group = groups_[static_cast<size_t>(rng_.Int(0, groups_.size() - 1))];
    object.group_id = group.id;
    if (rng_.Chance(0.9))
      object.quarter_id =
          group.quarters[static_cast<size_t>(rng_.Int(0, group.quarters.size() - 1))];
    object.settlement = options_.objects >= 10 && rng_.Chance(0.03);
    if (object.settlement) {
      std::string settlement = rng_.Pick(kSettlementNames);
      object.name = "Коттеджный посёлок «" + settlement + "»";
      object.city = (group.city == "Москва" ? "Московская область" : group.city) +
                    std::string(", пос. ") + settlement;
      object.street = "ул. Центральная";
      object.house = std::to_string(rng_.Int(1, 5));
    } else {
      object.city = group.city;
      for (;;) {
        const Street& street = streets[static_cast<size_t>(rng_.Int(0, streets.size() - 1))];
        long long& base = last_house[street.key];
        base += rng_.Int(1, 4);
        std::string house = HouseNumber(rng_, base);
        if (!used.insert({street.key, address::HouseKey(house)}).second) continue;
        object.street = street.name;
        object.house = house;
        break;
      }
      object.name = rng_.Chance(0.15) ? "ЖК «" + std::string(rng_.Pick(kComplexNames)) +
                                            "», корпус " + std::to_string(rng_.Int(1, 9))
                                      : "МКД " + object.street + ", д. " + object.house;
    }
    objects_.push_back(std::move(object));
    weights.push_back(rng_.Real(0.3, 1.7));
  }
  // Premises per object in proportion to the weights, exactly options_.premises in all.
  double sum = 0;
  for (double w : weights) sum += w;
  long long given = 0;
  for (size_t i = 0; i < objects_.size(); ++i) {
    objects_[i].premises =
        std::max<long long>(1, static_cast<long long>(options_.premises * weights[i] / sum));
    given += objects_[i].premises;
  }
  for (size_t i = 0; given != options_.premises; i = (i + 1) % objects_.size()) {
    if (given < options_.premises) {
      ++objects_[i].premises;
      ++given;
    } else if (objects_[i].premises > 1) {
      --objects_[i].premises;
      --given;
    }
  }
}

void Generator::WriteReference() {
  const std::vector<std::string> common = {"organization_id", "search_key", "created_at",
                                           "updated_at"};
  auto start = [&](const std::string& table, std::vector<std::string> columns) {
    columns.insert(columns.end(), common.begin(), common.end());
    out_.StartTable(table, columns);
  };
  auto finish_row = [&](const std::string& search_key) {
    out_.Int(org_);
    out_.Text(search_key);
    out_.Text(now_);
    out_.Text(now_);
    out_.EndRow();
  };

  start("object_groups", {"id", "name"});
  for (size_t g = 0; g < groups_.size(); ++g) {
    reference::Values values = {{"name", std::string(kDistricts[g])}};
    out_.Int(groups_[g].id);
    out_.Text(kDistricts[g]);
    finish_row(reference::SearchKey(Spec("object_groups"), values));
    ++counts_.groups;
  }
  out_.EndTable();

  start("quarters", {"id", "object_group_id", "name"});
  for (const Group& group : groups_) {
    for (size_t q = 0; q < group.quarters.size(); ++q) {
      std::string name = "Квартал " + std::to_string(q + 1);
      reference::Values values = {{"name", name}, {"object_group_id", group.id}};
      out_.Int(group.quarters[q]);
      out_.Int(group.id);
      out_.Text(name);
      finish_row(reference::SearchKey(Spec("quarters"), values));
      ++counts_.quarters;
    }
  }
  out_.EndTable();

  start("objects", {"id", "object_group_id", "quarter_id", "name", "city", "street", "house"});
  for (const Object& o : objects_) {
    reference::Values values = {{"name", o.name},   {"object_group_id", o.group_id},
                                {"city", o.city},   {"street", o.street},
                                {"house", o.house}, {"quarter_id", std::monostate()}};
    if (o.quarter_id) values["quarter_id"] = *o.quarter_id;
    out_.Int(o.id);
    out_.Int(o.group_id);
    out_.OptInt(o.quarter_id);
    out_.Text(o.name);
    out_.Text(o.city);
    out_.Text(o.street);
    out_.Text(o.house);
    finish_row(reference::SearchKey(Spec("objects"), values));
    ++counts_.objects;
  }
  out_.EndTable();

  // Entrances and floors of the apartment buildings: the building's shape follows from its
  // number of flats (4–6 flats a floor, 5–25 floors).
  next_entrance_id_ = out_.MaxId("entrances") + 1;
  next_floor_id_ = out_.MaxId("floors") + 1;
  std::vector<Floor> floors;
  start("entrances", {"id", "object_id", "number", "name"});
  for (Object& o : objects_) {
    if (o.settlement) continue;
    static const long long kFloors[] = {5, 9, 9, 10, 12, 14, 16, 17, 17, 22, 25};
    o.floors_per_entrance = rng_.Pick(kFloors);
    long long per_floor = rng_.Int(4, 6);
    o.entrances =
        std::clamp<long long>((o.premises * 85 / 100 + o.floors_per_entrance * per_floor - 1) /
                                  (o.floors_per_entrance * per_floor),
                              1, 12);
    o.floor_ids.resize(static_cast<size_t>(o.entrances));
    for (long long e = 1; e <= o.entrances; ++e) {
      long long entrance_id = next_entrance_id_++;
      o.entrance_ids.push_back(entrance_id);
      reference::Values values = {{"number", e}, {"name", std::monostate()}};
      out_.Int(entrance_id);
      out_.Int(o.id);
      out_.Int(e);
      out_.Null();
      finish_row(reference::SearchKey(Spec("entrances"), values));
      ++counts_.entrances;
      for (long long f = 1; f <= o.floors_per_entrance; ++f) {
        floors.push_back({next_floor_id_++, o.id, entrance_id, f});
        o.floor_ids[static_cast<size_t>(e - 1)].push_back(floors.back().id);
      }
    }
    if (o.premises >= 60) {  // an underground car park of one or two levels
      for (long long level = -1; level >= (rng_.Chance(0.4) ? -2 : -1); --level) {
        floors.push_back({next_floor_id_++, o.id, std::nullopt, level});
        o.underground.push_back(floors.back().id);
      }
    }
  }
  out_.EndTable();

  start("floors", {"id", "object_id", "entrance_id", "number"});
  for (const Floor& f : floors) {
    reference::Values values = {{"number", f.number}, {"entrance_id", std::monostate()}};
    if (f.entrance_id) values["entrance_id"] = *f.entrance_id;
    out_.Int(f.id);
    out_.Int(f.object_id);
    out_.OptInt(f.entrance_id);
    out_.Int(f.number);
    finish_row(reference::SearchKey(Spec("floors"), values));
    ++counts_.floors;
  }
  out_.EndTable();
}

void Generator::WriteTags() {
  long long next_id = out_.MaxId("tags") + 1;
  out_.StartTable("tags",
                  {"id", "organization_id", "name", "name_key", "created_at", "updated_at"});
  for (const TagSpec& tag : kTags) {
    tag_ids_.push_back(next_id);
    out_.Int(next_id++);
    out_.Int(org_);
    out_.Text(tag.name);
    out_.Text(text::FoldForSearch(tag.name));  // as TagRepository::Insert
    out_.Text(now_);
    out_.Text(now_);
    out_.EndRow();
    ++counts_.tags;
  }
  out_.EndTable();
}

void Generator::WritePremise(const Object& object, premises::Premise& p) {
  p.id = next_premise_id_++;
  p.object_id = object.id;
  if (rng_.Chance(0.35)) p.online_payment = true;
  if (rng_.Chance(0.4)) {
    char id[32];
    std::snprintf(id, sizeof id, "1С-%09lld", p.id);
    p.external_id = id;
  }
  if (rng_.Chance(0.005)) p.note = rng_.Pick(kNotes);
  if (rng_.Chance(0.05)) {  // area not known yet
    p.total_area.reset();
    p.living_area.reset();
  }
  if (options_.links > 0 || options_.accounts > 0) {
    PremiseKind kind = kDwelling;
    if (p.type == "non_residential")
      kind = kNonResidential;
    else if (p.type == "parking")
      kind = kParking;
    else if (p.type == "storage")
      kind = kStorage;
    else if (p.type == "land_plot")
      kind = kLand;
    premise_info_.push_back({p.id, static_cast<uint32_t>(&object - objects_.data()), kind,
                             static_cast<int32_t>(p.total_area.value_or(0))});
  }
  premises::ObjectAddress address{object.name, object.city, object.street, object.house};
  premises::SearchKeys keys = premises::MakeSearchKeys(p, address);
  street_keys_.insert(keys.street_key);

  out_.Int(p.id);
  out_.Int(org_);
  out_.Int(p.object_id);
  out_.Int(object.group_id);
  out_.OptInt(object.quarter_id);
  out_.OptInt(p.entrance_id);
  out_.OptInt(p.floor_id);
  out_.Text(p.type);
  out_.OptText(p.number);
  out_.OptText(p.street);
  out_.OptText(p.house);
  out_.OptText(p.level);
  out_.OptText(p.room);
  out_.OptInt(p.total_area);
  out_.OptInt(p.living_area);
  out_.OptInt(p.rooms);
  out_.Int(p.online_payment ? 1 : 0);
  out_.OptText(p.note);
  out_.OptText(p.external_id);
  out_.Text(keys.street_key);
  out_.Text(keys.house_key);
  out_.Text(keys.number_key);
  out_.Text(keys.address_sort);
  out_.Text(now_);
  out_.Text(now_);
  out_.EndRow();
  ++counts_.premises;

  if (rng_.Chance(0.12)) {
    size_t first = premise_tags_.size();
    for (int attempt = 0; attempt < 4 && premise_tags_.size() - first < 2; ++attempt) {
      size_t t = 0;
      double r = rng_.Real(0, 0.171);  // the shares of kTags sum to 0.171
      while (t + 1 < std::size(kTags) && r >= kTags[t].share) r -= kTags[t++].share;
      bool dup = false;
      for (size_t i = first; i < premise_tags_.size(); ++i)
        dup |= premise_tags_[i].second == tag_ids_[t];
      if (!dup) premise_tags_.push_back({p.id, tag_ids_[t]});
      if (rng_.Chance(0.8)) break;
    }
  }
}

long long Area(Random& rng, double lo, double hi) {
  return static_cast<long long>(rng.Real(lo, hi) * 100);
}

void Generator::WriteBuilding(Object& o) {
  const long long total = o.premises;
  long long parking = o.underground.empty() ? 0 : total * rng_.Int(8, 20) / 100;
  long long storage = rng_.Chance(0.3) ? total * rng_.Int(4, 10) / 100 : 0;
  long long shops = rng_.Chance(0.6) ? std::min<long long>(total / 20 + 1, rng_.Int(1, 8)) : 0;
  if (parking + storage + shops >= total) parking = storage = shops = 0;
  const long long dwellings = total - parking - storage - shops;
  const bool apartments = rng_.Chance(0.05);
  const bool communal = !apartments && rng_.Chance(0.03);

  // Flats 1…N go up entrance by entrance, floor by floor.
  const long long per_entrance =
      std::max<long long>(1, (dwellings + o.entrances - 1) / o.entrances);
  const long long per_floor =
      std::max<long long>(1, (per_entrance + o.floors_per_entrance - 1) / o.floors_per_entrance);
  long long rows = 0;
  for (long long flat = 1; rows < dwellings; ++flat) {
    const long long index = flat - 1;
    const size_t entrance = static_cast<size_t>(std::min(index / per_entrance, o.entrances - 1));
    const size_t floor = static_cast<size_t>(
        std::min((index % per_entrance) / per_floor, o.floors_per_entrance - 1));
    premises::Premise p;
    p.entrance_id = o.entrance_ids[entrance];
    p.floor_id = o.floor_ids[entrance][floor];
    p.number = std::to_string(flat);
    if (communal && rng_.Chance(0.3) && dwellings - rows >= 2) {  // a flat let by rooms
      const long long count = std::min<long long>(rng_.Int(2, 4), dwellings - rows);
      for (long long r = 1; r <= count; ++r) {
        premises::Premise room = p;
        room.type = "room";
        room.room = std::to_string(r);
        room.total_area = Area(rng_, 9, 25);
        room.living_area = room.total_area;
        WritePremise(o, room);
        ++rows;
      }
      continue;
    }
    p.type = apartments ? "apartments" : "flat";
    const long long room_count = apartments ? 1 : rng_.Int(1, 4);
    p.rooms = room_count;
    p.total_area = Area(rng_, 18.0 + 16 * room_count, 30.0 + 22 * room_count);
    p.living_area = *p.total_area * rng_.Int(55, 70) / 100;
    WritePremise(o, p);
    ++rows;
  }
  for (long long n = 1; n <= shops; ++n) {  // shops and offices on the ground floor: 1Н, 2Н…
    premises::Premise p;
    p.type = "non_residential";
    p.number = std::to_string(n) + "Н";
    p.entrance_id = o.entrance_ids[0];
    p.floor_id = o.floor_ids[0][0];
    p.total_area = Area(rng_, 40, 400);
    WritePremise(o, p);
  }
  for (long long n = 1; n <= parking; ++n) {
    premises::Premise p;
    p.type = "parking";
    p.number = std::to_string(n);
    const size_t level = o.underground.size() > 1 && n > parking / 2 ? 1 : 0;
    p.level = level ? "-2" : "-1";
    p.floor_id = o.underground[level];
    p.total_area = Area(rng_, 13.25, 18);
    WritePremise(o, p);
  }
  for (long long n = 1; n <= storage; ++n) {
    premises::Premise p;
    p.type = "storage";
    p.number = std::to_string(n);
    if (!o.underground.empty()) {
      p.level = "-1";
      p.floor_id = o.underground[0];
    }
    p.total_area = Area(rng_, 3, 8);
    WritePremise(o, p);
  }
}

void Generator::WriteSettlement(Object& o) {
  // A few streets of its own; houses numbered along each street, townhouses and duplexes with
  // sections, land plots numbered through the settlement.
  std::vector<std::string> streets;
  const long long street_count = rng_.Int(3, 6);
  while (static_cast<long long>(streets.size()) < street_count) {
    std::string street = rng_.Pick(kSettlementStreets);
    if (std::find(streets.begin(), streets.end(), street) == streets.end())
      streets.push_back(street);
  }
  std::vector<long long> last_house(streets.size(), 0);
  long long plot = 0;
  long long rows = 0;
  while (rows < o.premises) {
    const size_t s = static_cast<size_t>(rng_.Int(0, streets.size() - 1));
    const double kind = rng_.Real(0, 1);
    if (kind < 0.6) {
      premises::Premise p;
      p.type = "house";
      p.street = streets[s];
      p.house = std::to_string(++last_house[s]);
      if (rng_.Chance(0.05)) *p.house += "А";
      p.rooms = rng_.Int(3, 7);
      p.total_area = Area(rng_, 90, 350);
      p.living_area = *p.total_area * rng_.Int(50, 65) / 100;
      WritePremise(o, p);
      ++rows;
    } else if (kind < 0.8) {
      const bool duplex = rng_.Chance(0.25);
      const long long sections = duplex ? 2 : rng_.Int(2, 4);
      const std::string house = std::to_string(++last_house[s]);
      for (long long section = 1; section <= sections && rows < o.premises; ++section) {
        premises::Premise p;
        p.type = duplex ? "duplex" : "townhouse";
        p.street = streets[s];
        p.house = house;
        p.number = std::to_string(section);
        p.rooms = rng_.Int(3, 5);
        p.total_area = Area(rng_, 100, 200);
        p.living_area = *p.total_area * rng_.Int(50, 65) / 100;
        WritePremise(o, p);
        ++rows;
      }
    } else {
      premises::Premise p;
      p.type = "land_plot";
      p.number = std::to_string(++plot);
      if (rng_.Chance(0.5)) p.street = streets[s];
      p.total_area = Area(rng_, 600, 1500);
      WritePremise(o, p);
      ++rows;
    }
  }
}

void Generator::WritePremises() {
  next_premise_id_ = out_.MaxId("premises") + 1;
  const Clock::time_point start = Clock::now();
  const double cpu = CpuSeconds();
  // Building the indexes once after the load is several times faster than keeping eleven
  // indexes up to date row by row.
  const std::vector<std::string> indexes = out_.DropIndexes("premises");
  out_.StartTable(
      "premises",
      {"id",          "organization_id", "object_id",    "object_group_id", "quarter_id",
       "entrance_id", "floor_id",        "type",         "number",          "street",
       "house",       "level",           "room",         "total_area",      "living_area",
       "rooms",       "online_payment",  "note",         "external_id",     "street_key",
       "house_key",   "number_key",      "address_sort", "created_at",      "updated_at"});
  for (Object& o : objects_) {
    if (o.settlement)
      WriteSettlement(o);
    else
      WriteBuilding(o);
  }
  out_.EndTable();
  insert_seconds_ = Seconds(start);
  insert_cpu_ = CpuSeconds() - cpu;
  for (const std::string& create : indexes) out_.Exec(create);
  premises_seconds_ = Seconds(start);
  premises_cpu_ = CpuSeconds() - cpu;

  out_.StartTable("premise_tags", {"premise_id", "tag_id", "organization_id"});
  for (const auto& [premise, tag] : premise_tags_) {
    out_.Int(premise);
    out_.Int(tag);
    out_.Int(org_);
    out_.EndRow();
    ++counts_.premise_tags;
  }
  out_.EndTable();

  out_.StartTable("street_keys", {"organization_id", "street_key"});  // a new organisation
  for (const std::string& key : street_keys_) {
    out_.Int(org_);
    out_.Text(key);
    out_.EndRow();
    ++counts_.streets;
  }
  out_.EndTable();
}

Counts Generator::Run() {
  out_.Begin();
  if (options_.premises > 0) {
    PlanGroups();
    PlanObjects();
    WriteReference();
    WriteTags();
    WritePremises();
    for (const char* table :
         {"object_groups", "quarters", "objects", "entrances", "floors", "tags", "premises"})
      out_.FixSequence(table);
  }
  if (options_.clients > 0) WriteClients();
  if (options_.links > 0) WriteLinks();
  if (options_.accounts > 0) WriteAccounts();
  if (options_.links > 0 || options_.accounts > 0) ComputeDebts();
  // What the server keeps beside the premises: the organisation's premise count (the
  // unfiltered register's total).
  const std::string org = std::to_string(org_);
  if (options_.premises > 0) {
    out_.Exec(
        "INSERT INTO record_counts (organization_id, entity, total) SELECT organization_id, "
        "'premises', COUNT(*) FROM premises WHERE organization_id = " +
        org +
        " GROUP BY organization_id ON CONFLICT (organization_id, entity) DO UPDATE SET total = "
        "excluded.total");
  }
  out_.Commit();
  out_.Finish();
  return counts_;
}

// ---------------------------------------------------------------------------------------------
// Clients

struct Surname {
  const char* male;
  const char* female;
};
// Common Russian surnames; some with ё, some with one form for both sexes.
const Surname kSurnames[] = {
    {"Иванов", "Иванова"},
    {"Смирнов", "Смирнова"},
    {"Кузнецов", "Кузнецова"},
    {"Попов", "Попова"},
    {"Васильев", "Васильева"},
    {"Петров", "Петрова"},
    {"Соколов", "Соколова"},
    {"Михайлов", "Михайлова"},
    {"Новиков", "Новикова"},
    {"Фёдоров", "Фёдорова"},
    {"Морозов", "Морозова"},
    {"Волков", "Волкова"},
    {"Алексеев", "Алексеева"},
    {"Лебедев", "Лебедева"},
    {"Семёнов", "Семёнова"},
    {"Егоров", "Егорова"},
    {"Павлов", "Павлова"},
    {"Козлов", "Козлова"},
    {"Степанов", "Степанова"},
    {"Николаев", "Николаева"},
    {"Орлов", "Орлова"},
    {"Андреев", "Андреева"},
    {"Макаров", "Макарова"},
    {"Никитин", "Никитина"},
    {"Захаров", "Захарова"},
    {"Зайцев", "Зайцева"},
    {"Соловьёв", "Соловьёва"},
    {"Борисов", "Борисова"},
    {"Яковлев", "Яковлева"},
    {"Григорьев", "Григорьева"},
    {"Романов", "Романова"},
    {"Воробьёв", "Воробьёва"},
    {"Сергеев", "Сергеева"},
    {"Кузьмин", "Кузьмина"},
    {"Фролов", "Фролова"},
    {"Александров", "Александрова"},
    {"Дмитриев", "Дмитриева"},
    {"Королёв", "Королёва"},
    {"Гусев", "Гусева"},
    {"Киселёв", "Киселёва"},
    {"Ильин", "Ильина"},
    {"Максимов", "Максимова"},
    {"Поляков", "Полякова"},
    {"Сорокин", "Сорокина"},
    {"Виноградов", "Виноградова"},
    {"Ковалёв", "Ковалёва"},
    {"Белов", "Белова"},
    {"Медведев", "Медведева"},
    {"Антонов", "Антонова"},
    {"Тарасов", "Тарасова"},
    {"Жуков", "Жукова"},
    {"Баранов", "Баранова"},
    {"Филиппов", "Филиппова"},
    {"Комаров", "Комарова"},
    {"Давыдов", "Давыдова"},
    {"Беляев", "Беляева"},
    {"Герасимов", "Герасимова"},
    {"Богданов", "Богданова"},
    {"Осипов", "Осипова"},
    {"Сидоров", "Сидорова"},
    {"Матвеев", "Матвеева"},
    {"Титов", "Титова"},
    {"Марков", "Маркова"},
    {"Миронов", "Миронова"},
    {"Крылов", "Крылова"},
    {"Куликов", "Куликова"},
    {"Карпов", "Карпова"},
    {"Власов", "Власова"},
    {"Мельников", "Мельникова"},
    {"Денисов", "Денисова"},
    {"Гаврилов", "Гаврилова"},
    {"Тихонов", "Тихонова"},
    {"Казаков", "Казакова"},
    {"Афанасьев", "Афанасьева"},
    {"Данилов", "Данилова"},
    {"Савельев", "Савельева"},
    {"Тимофеев", "Тимофеева"},
    {"Фомин", "Фомина"},
    {"Чернов", "Чернова"},
    {"Абрамов", "Абрамова"},
    {"Мартынов", "Мартынова"},
    {"Ефимов", "Ефимова"},
    {"Федотов", "Федотова"},
    {"Щербаков", "Щербакова"},
    {"Назаров", "Назарова"},
    {"Калинин", "Калинина"},
    {"Исаев", "Исаева"},
    {"Чернышёв", "Чернышёва"},
    {"Быков", "Быкова"},
    {"Маслов", "Маслова"},
    {"Родионов", "Родионова"},
    {"Коновалов", "Коновалова"},
    {"Лазарев", "Лазарева"},
    {"Воронин", "Воронина"},
    {"Климов", "Климова"},
    {"Филатов", "Филатова"},
    {"Пономарёв", "Пономарёва"},
    {"Голубев", "Голубева"},
    {"Кудрявцев", "Кудрявцева"},
    {"Прохоров", "Прохорова"},
    {"Наумов", "Наумова"},
    {"Потапов", "Потапова"},
    {"Журавлёв", "Журавлёва"},
    {"Овчинников", "Овчинникова"},
    {"Трофимов", "Трофимова"},
    {"Леонов", "Леонова"},
    {"Соболев", "Соболева"},
    {"Ермаков", "Ермакова"},
    {"Колесников", "Колесникова"},
    {"Гончаров", "Гончарова"},
    {"Емельянов", "Емельянова"},
    {"Никифоров", "Никифорова"},
    {"Грачёв", "Грачёва"},
    {"Котов", "Котова"},
    {"Гришин", "Гришина"},
    {"Ефремов", "Ефремова"},
    {"Архипов", "Архипова"},
    {"Громов", "Громова"},
    {"Кириллов", "Кириллова"},
    {"Малышев", "Малышева"},
    {"Панов", "Панова"},
    {"Моисеев", "Моисеева"},
    {"Румянцев", "Румянцева"},
    {"Акимов", "Акимова"},
    {"Кондратьев", "Кондратьева"},
    {"Бирюков", "Бирюкова"},
    {"Горбунов", "Горбунова"},
    {"Анисимов", "Анисимова"},
    {"Ерёмин", "Ерёмина"},
    {"Тихомиров", "Тихомирова"},
    {"Галкин", "Галкина"},
    {"Лукьянов", "Лукьянова"},
    {"Михеев", "Михеева"},
    {"Скворцов", "Скворцова"},
    {"Юдин", "Юдина"},
    {"Белоусов", "Белоусова"},
    {"Нестеров", "Нестерова"},
    {"Симонов", "Симонова"},
    {"Прокофьев", "Прокофьева"},
    {"Харитонов", "Харитонова"},
    {"Князев", "Князева"},
    {"Цветков", "Цветкова"},
    {"Левин", "Левина"},
    {"Митрофанов", "Митрофанова"},
    {"Воронцов", "Воронцова"},
    {"Аксёнов", "Аксёнова"},
    {"Софронов", "Софронова"},
    {"Мальцев", "Мальцева"},
    {"Логинов", "Логинова"},
    {"Горшков", "Горшкова"},
    {"Савин", "Савина"},
    {"Краснов", "Краснова"},
    {"Майоров", "Майорова"},
    {"Демидов", "Демидова"},
    {"Елисеев", "Елисеева"},
    {"Рыбаков", "Рыбакова"},
    {"Сафонов", "Сафонова"},
    {"Плотников", "Плотникова"},
    {"Дьячков", "Дьячкова"},
    {"Ёлкин", "Ёлкина"},
    {"Лёвкин", "Лёвкина"},
    {"Зуев", "Зуева"},
    {"Вишневский", "Вишневская"},
    {"Ковальский", "Ковальская"},
    {"Островский", "Островская"},
    {"Соколовский", "Соколовская"},
    {"Покровский", "Покровская"},
    {"Беловский", "Беловская"},
    {"Толстой", "Толстая"},
    {"Лановой", "Лановая"},
    {"Боровой", "Боровая"},
    {"Коваленко", "Коваленко"},
    {"Шевченко", "Шевченко"},
    {"Бондаренко", "Бондаренко"},
    {"Кравченко", "Кравченко"},
    {"Ткаченко", "Ткаченко"},
    {"Шевчук", "Шевчук"},
    {"Мельник", "Мельник"},
    {"Гордиенко", "Гордиенко"},
    {"Черных", "Черных"},
    {"Седых", "Седых"},
    {"Долгих", "Долгих"},
    {"Ким", "Ким"},
    {"Алиев", "Алиева"},
    {"Мамедов", "Мамедова"},
    {"Гасанов", "Гасанова"},
    {"Хабибуллин", "Хабибуллина"},
    {"Сафин", "Сафина"},
    {"Гарипов", "Гарипова"},
};
const char* const kMaleNames[] = {
    "Александр", "Сергей",     "Дмитрий",   "Андрей",   "Алексей", "Максим", "Евгений", "Иван",
    "Михаил",    "Артём",      "Никита",    "Владимир", "Денис",   "Павел",  "Николай", "Игорь",
    "Роман",     "Олег",       "Кирилл",    "Илья",     "Антон",   "Виктор", "Юрий",    "Егор",
    "Вадим",     "Константин", "Георгий",   "Пётр",     "Фёдор",   "Семён",  "Тимофей", "Матвей",
    "Степан",    "Василий",    "Григорий",  "Лев",      "Марк",    "Даниил", "Ярослав", "Руслан",
    "Тимур",     "Вячеслав",   "Станислав", "Геннадий", "Валерий", "Борис",  "Леонид",  "Анатолий",
    "Арсений",   "Глеб"};
const char* const kFemaleNames[] = {
    "Анна",      "Мария",      "Елена",     "Ольга",     "Наталья", "Татьяна", "Ирина",
    "Екатерина", "Светлана",   "Юлия",      "Анастасия", "Марина",  "Дарья",   "Людмила",
    "Галина",    "Виктория",   "Ксения",    "Алёна",     "Евгения", "Надежда", "Валентина",
    "Кристина",  "Полина",     "Алина",     "Вероника",  "Софья",   "Любовь",  "Лариса",
    "Вера",      "Александра", "Елизавета", "Оксана",    "Яна",     "Нина",    "Маргарита",
    "Арина",     "Варвара",    "Диана",     "Милена",    "Ульяна",  "Таисия",  "Лидия",
    "Зоя",       "Раиса",      "Тамара",    "Фёкла",     "Агния",   "Злата",   "Василиса",
    "Пелагея"};
struct Patronymic {
  const char* male;
  const char* female;
};
const Patronymic kPatronymics[] = {
    {"Александрович", "Александровна"}, {"Сергеевич", "Сергеевна"},
    {"Дмитриевич", "Дмитриевна"},       {"Андреевич", "Андреевна"},
    {"Алексеевич", "Алексеевна"},       {"Максимович", "Максимовна"},
    {"Евгеньевич", "Евгеньевна"},       {"Иванович", "Ивановна"},
    {"Михайлович", "Михайловна"},       {"Артёмович", "Артёмовна"},
    {"Владимирович", "Владимировна"},   {"Павлович", "Павловна"},
    {"Николаевич", "Николаевна"},       {"Игоревич", "Игоревна"},
    {"Романович", "Романовна"},         {"Олегович", "Олеговна"},
    {"Викторович", "Викторовна"},       {"Юрьевич", "Юрьевна"},
    {"Вадимович", "Вадимовна"},         {"Константинович", "Константиновна"},
    {"Петрович", "Петровна"},           {"Фёдорович", "Фёдоровна"},
    {"Семёнович", "Семёновна"},         {"Степанович", "Степановна"},
    {"Васильевич", "Васильевна"},       {"Григорьевич", "Григорьевна"},
    {"Борисович", "Борисовна"},         {"Леонидович", "Леонидовна"},
    {"Анатольевич", "Анатольевна"},     {"Ильич", "Ильинична"},
    {"Геннадьевич", "Геннадьевна"},     {"Валерьевич", "Валерьевна"},
    {"Станиславович", "Станиславовна"}, {"Вячеславович", "Вячеславовна"},
    {"Кузьмич", "Кузьминична"},         {"Тимурович", "Тимуровна"}};
const char* const kCompanyWords[] = {
    "Ромашка",  "Вектор",    "Альфа",       "Гарант", "Строймонтаж", "Техсервис", "Северный ветер",
    "Меридиан", "Континент", "Прогресс",    "Успех",  "Лидер",       "Фортуна",   "Восток",
    "Горизонт", "Ёлочка",    "Стройинвест", "Сфера",  "Капитал",     "Интеграл"};
const char* const kCompanyForms[] = {"ООО", "ООО", "ООО", "АО", "ПАО"};
const char* const kMailDomains[] = {"mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru"};

// Digits of `value` with its check digit(s): ИНН (weights) and СНИЛС.
int CheckDigit(const std::string& digits, const std::vector<int>& weights) {
  int sum = 0;
  for (size_t i = 0; i < weights.size(); ++i) sum += (digits[i] - '0') * weights[i];
  return sum % 11 % 10;
}
std::string PersonInn(Random& rng) {
  std::string inn = std::to_string(rng.Int(1000000000LL, 9999999999LL));  // 10 digits
  inn += static_cast<char>('0' + CheckDigit(inn, {7, 2, 4, 10, 3, 5, 9, 4, 6, 8}));
  inn += static_cast<char>('0' + CheckDigit(inn, {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}));
  return inn;
}
std::string CompanyInn(Random& rng) {
  std::string inn = std::to_string(rng.Int(100000000LL, 999999999LL));  // 9 digits
  inn += static_cast<char>('0' + CheckDigit(inn, {2, 4, 10, 3, 5, 9, 4, 6, 8}));
  return inn;
}
std::string Snils(Random& rng) {
  std::string snils = std::to_string(rng.Int(100000000LL, 999999999LL));  // > 001-001-998
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (snils[i] - '0') * (9 - i);
  int check = sum < 100 ? sum : sum % 101;
  if (check == 100) check = 0;
  char tail[8];
  std::snprintf(tail, sizeof tail, "%02d", check);
  return snils + tail;
}

// Phones: "+79" + 9 digits whose first digit is 0…8, a permutation of the client's number,
// so every client has its own. Numbers "+7999…" are never generated (the benchmark creates
// clients with them).
std::string ClientPhone(long long n) {
  const long long space = 900000000LL;
  const long long v = (n * 282475249LL + 12345678LL) % space;  // 7^10 is coprime to 9·10^8
  char phone[32];
  std::snprintf(phone, sizeof phone, "+79%09lld", v);
  return phone;
}

std::string IsoTime(Random& rng, int year_from, int year_to) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                rng.Int(year_from, year_to), rng.Int(1, 12), rng.Int(1, 28), rng.Int(0, 23),
                rng.Int(0, 59), rng.Int(0, 59));
  return buffer;
}

}  // namespace

void Generator::WriteClients() {
  const Clock::time_point start = Clock::now();
  const bool sqlite = options_.db.rfind("sqlite:", 0) == 0;
  const long long first_id = out_.MaxId("clients") + 1;
  first_client_id_ = first_id;
  // Clients who have signed in to the resident app (migration 0008): a third of those with a
  // last visit.
  const bool logged_in_column = HasColumn("clients", "logged_in_at");
  const long long first_external = out_.MaxId("client_external_ids") + 1;
  // Indexes built once after the load; on SQLite the FTS triggers too (of databases older
  // than migration 0015): filling clients_search with one INSERT … SELECT afterwards is much
  // faster than a row at a time.
  const std::vector<std::string> indexes = out_.DropIndexes("clients");
  std::vector<std::vector<std::string>> triggers;
  if (sqlite) {
    triggers = out_.Query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'clients'");
    for (const auto& t : triggers) out_.Exec("DROP TRIGGER " + t[0]);
  }
  std::vector<std::string> columns = {"id",
                                      "organization_id",
                                      "type",
                                      "last_name",
                                      "first_name",
                                      "middle_name",
                                      "organization_name",
                                      "phone",
                                      "email",
                                      "gender",
                                      "birth_date",
                                      "inn",
                                      "snils",
                                      "status",
                                      "tester",
                                      "last_seen_at",
                                      "name_key",
                                      "name_sort",
                                      "phone_digits",
                                      "created_at",
                                      "updated_at"};
  if (logged_in_column) columns.push_back("logged_in_at");
  out_.StartTable("clients", columns);
  std::vector<long long> with_external;
  clients::Client c;
  for (long long i = 0; i < options_.clients; ++i) {
    const long long id = first_id + i;
    const bool company = rng_.Chance(0.02);
    c = clients::Client();
    c.type = company ? (rng_.Chance(0.8) ? "legal_entity" : "sole_proprietor") : "individual";
    if (c.type == "sole_proprietor" || !company) {
      const bool female = rng_.Chance(0.5);
      const Surname& s = rng_.Pick(kSurnames);
      const Patronymic& p = rng_.Pick(kPatronymics);
      c.last_name = female ? s.female : s.male;
      c.first_name = female ? rng_.Pick(kFemaleNames) : rng_.Pick(kMaleNames);
      if (rng_.Chance(0.9)) c.middle_name = female ? p.female : p.male;
      if (rng_.Chance(0.3)) c.gender = female ? "female" : "male";
      if (c.type == "sole_proprietor")
        c.organization_name = "ИП " + *c.last_name + " " + *c.first_name;
    } else {
      c.organization_name = std::string(rng_.Pick(kCompanyForms)) + " «" +
                            rng_.Pick(kCompanyWords) + "-" + std::to_string(rng_.Int(1, 999)) + "»";
    }
    c.phone = ClientPhone(i);
    if (rng_.Chance(0.2)) c.email = "client" + std::to_string(id) + "@" + rng_.Pick(kMailDomains);
    if (!company && rng_.Chance(0.25)) c.birth_date = IsoTime(rng_, 1945, 2005).substr(0, 10);
    if (company && c.type == "legal_entity")
      c.inn = CompanyInn(rng_);
    else if (rng_.Chance(0.15))
      c.inn = PersonInn(rng_);
    if (!company && rng_.Chance(0.1)) c.snils = Snils(rng_);
    std::optional<std::string> last_seen;
    if (rng_.Chance(0.35)) last_seen = IsoTime(rng_, 2024, 2026);
    if (rng_.Chance(0.3)) with_external.push_back(id);
    // As ClientRepository::MakeKeys: the folded full name (also the sort key) and the digits
    // of the E.164 phone.
    const std::string name_key = text::FoldForSearch(clients::FullName(c));
    std::string digits;
    for (char ch : *c.phone)
      if (ch >= '0' && ch <= '9') digits += ch;
    out_.Int(id);
    out_.Int(org_);
    out_.Text(c.type);
    out_.OptText(c.last_name);
    out_.OptText(c.first_name);
    out_.OptText(c.middle_name);
    out_.OptText(c.organization_name);
    out_.OptText(c.phone);
    out_.OptText(c.email);
    out_.OptText(c.gender);
    out_.OptText(c.birth_date);
    out_.OptText(c.inn);
    out_.OptText(c.snils);
    out_.Text(rng_.Chance(0.01) ? "blocked" : "active");
    out_.Int(rng_.Chance(0.001) ? 1 : 0);
    out_.OptText(last_seen);
    out_.Text(name_key);
    out_.Text(name_key);
    out_.Text(digits);
    out_.Text(now_);
    out_.Text(now_);
    if (logged_in_column) {
      if (last_seen && rng_.Chance(0.33))
        out_.Text(*last_seen);
      else
        out_.Null();
    }
    out_.EndRow();
    ++counts_.clients;
  }
  out_.EndTable();

  out_.StartTable("client_external_ids", {"id", "organization_id", "client_id", "space", "system",
                                          "value", "created_at", "updated_at"});
  long long external_id = first_external;
  for (long long client_id : with_external) {
    out_.Int(external_id++);
    out_.Int(org_);
    out_.Int(client_id);
    out_.Text("operations");
    out_.Text("1c");
    out_.Text("1C-" + std::to_string(org_) + "-" + std::to_string(client_id));
    out_.Text(now_);
    out_.Text(now_);
    out_.EndRow();
    ++counts_.client_external_ids;
  }
  out_.EndTable();
  for (const std::string& create : indexes) out_.Exec(create);
  if (sqlite) {
    out_.Exec(
        "INSERT INTO clients_search(rowid, name_key, phone_digits, org) SELECT "
        "upravdom_client_search_rowid(name_key, id), name_key, phone_digits, "
        "upravdom_organization_search_token(organization_id) FROM clients WHERE id >= " +
        std::to_string(first_id));  // the clients made now
    out_.Exec("INSERT INTO clients_search(clients_search) VALUES ('optimize')");
    for (const auto& t : triggers) out_.Exec(t[1]);
  }
  out_.FixSequence("clients");
  out_.FixSequence("client_external_ids");
  const std::string org = std::to_string(org_);
  out_.Exec(
      "INSERT INTO record_counts (organization_id, entity, total) SELECT organization_id, "
      "'clients', COUNT(*) FROM clients WHERE organization_id = " +
      org +
      " GROUP BY organization_id ON CONFLICT (organization_id, entity) DO UPDATE SET total = "
      "excluded.total");
  clients_seconds_ = Seconds(start);
}

// ---------------------------------------------------------------------------------------------
// Links, legal entities, personal accounts, charges and payments

namespace {

// A small counter-based generator: the same (seed, account, stream) gives the same numbers,
// so the payments can replay the charges of their account.
class HashRandom {
 public:
  HashRandom(unsigned long long seed, long long key, unsigned long long stream)
      : state_(seed * 0x9E3779B97F4A7C15ULL ^
               static_cast<unsigned long long>(key) * 0xD1B54A32D192ED03ULL ^
               stream * 0x94D049BB133111EBULL) {}
  unsigned long long Next() {  // splitmix64
    unsigned long long z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Real() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  long long Int(long long lo, long long hi) {  // inclusive
    return lo + static_cast<long long>(Next() % static_cast<unsigned long long>(hi - lo + 1));
  }
  bool Chance(double p) { return Real() < p; }

 private:
  unsigned long long state_;
};

// A service and its monthly rate in kopecks per square metre.
struct Service {
  const char* name;
  long long rate;
};
const Service kHousingServices[] = {{"Содержание жилья", 3850},
                                    {"Отопление", 3400},
                                    {"ХВС", 900},
                                    {"ГВС", 1700},
                                    {"Водоотведение", 650},
                                    {"Обращение с ТКО", 580},
                                    {"Электроснабжение ОДН", 140}};
const Service kFundServices[] = {
    {"Взнос на капитальный ремонт", 1530}, {"Пени", 40}, {"Капремонт: перерасчёт прошлых лет", 90}};
const Service kParkingServices[] = {
    {"Содержание машино-места", 9500}, {"Электроснабжение", 1100}, {"Уборка паркинга", 700}};
const char* const kPaymentSources[] = {"Сбербанк",     "Сбербанк Онлайн", "ВТБ",      "Т-Банк",
                                       "Почта России", "Касса УК",        "Госуслуги"};
const char* const kLinkComments[] = {"Проживает с семьёй", "Связь через представителя",
                                     "Сдаёт помещение в аренду", "Документы в архиве УК"};
const char kEgrLetters[][3] = {"А", "Б", "В", "Г", "Д", "Е", "Ж", "З", "И", "К", "Л", "М",
                               "Н", "О", "П", "Р", "С", "Т", "У", "Ф", "Х", "Ц", "Ч", "Ш"};

// The monthly periods the charges cover: the `count` months before the current one.
struct Period {
  std::string period;       // "2026-10"
  int pay_year, pay_month;  // the month the bill is paid in
};
std::vector<Period> MakePeriods(const std::string& now_iso, long long count) {
  int year = std::stoi(now_iso.substr(0, 4));
  int month = std::stoi(now_iso.substr(5, 2));
  std::vector<Period> periods;
  for (long long back = count; back >= 1; --back) {
    int index = year * 12 + (month - 1) - static_cast<int>(back);
    int pay = index + 1;
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d", index / 12, index % 12 + 1);
    periods.push_back({text, pay / 12, pay % 12 + 1});
  }
  return periods;
}

std::string IsoDate(Random& rng, int year_from, int year_to) {
  return IsoTime(rng, year_from, year_to).substr(0, 10);
}

}  // namespace

bool Generator::HasColumn(const std::string& table, const std::string& column) {
  const bool sqlite = options_.db.rfind("sqlite:", 0) == 0;
  const auto rows =
      out_.Query(sqlite ? "SELECT COUNT(*) FROM pragma_table_info('" + table + "') WHERE name = '" +
                              column + "'"
                        : "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
                          "current_schema() AND table_name = '" +
                              table + "' AND column_name = '" + column + "'");
  return rows.at(0).at(0) != "0";
}

void Generator::WriteLinks() {
  TableTime time{"premise_clients"};
  const Clock::time_point start = Clock::now();
  const std::vector<std::string> indexes = out_.DropIndexes("premise_clients");
  long long next_id = out_.MaxId("premise_clients") + 1;
  out_.StartTable("premise_clients", {"id",
                                      "organization_id",
                                      "premise_id",
                                      "client_id",
                                      "role",
                                      "owner_client_id",
                                      "ddu_number",
                                      "ddu_date",
                                      "acceptance_act_number",
                                      "acceptance_act_date",
                                      "certificate_number",
                                      "certificate_date",
                                      "management_contract_number",
                                      "management_contract_date",
                                      "ownership_share",
                                      "share_numerator",
                                      "share_denominator",
                                      "comment",
                                      "online_payment",
                                      "keep_on_sync",
                                      "created_by",
                                      "created_at",
                                      "updated_at"});
  const long long premises = static_cast<long long>(premise_info_.size());
  const long long clients = counts_.clients;
  long long cursor = 0;  // the next client not yet linked (then round again: investors)
  uint32_t object = UINT32_MAX;
  std::vector<long long> object_owners;  // owners of dwellings of the current object
  struct Planned {
    long long client;
    const char* role;
    int numerator, denominator;  // 0 = no share
    bool dependant;
  };
  std::vector<Planned> plan;
  for (long long i = 0; i < premises; ++i) {
    const PremiseInfo& p = premise_info_[static_cast<size_t>(i)];
    if (p.object != object) {
      object = p.object;
      object_owners.clear();
    }
    // How many people: mostly one owner; the count is steered towards --links overall.
    const double r = rng_.Real(0, 1);
    long long k = r < 0.08 ? 0 : r < 0.76 ? 1 : r < 0.92 ? 2 : r < 0.98 ? 3 : 4;
    const long long expected = options_.links * (i + 1) / premises;
    while (k > 0 && counts_.links + k > std::min(expected + 3, options_.links)) --k;
    while (counts_.links + k < expected - 3) ++k;
    if (i == premises - 1) k = std::max<long long>(0, options_.links - counts_.links);
    k = std::min(k, clients);
    if (k == 0) continue;

    // Roles and shares.
    plan.clear();
    auto owners = [&](long long n, bool unconfirmed) {
      const bool shares = rng_.Chance(0.8);  // else the owners'-meeting data is incomplete
      for (long long o = 0; o < n; ++o)
        plan.push_back({0, unconfirmed ? "unconfirmed_owner" : "owner", shares ? 1 : 0,
                        shares ? static_cast<int>(n) : 0, false});
    };
    if (p.kind != kDwelling) {
      owners(std::min<long long>(k, 4), false);
      while (static_cast<long long>(plan.size()) < k) plan.push_back({0, "tenant", 0, 0, true});
    } else {
      const double shape = rng_.Real(0, 1);
      long long n = 1;
      if (k >= 2 && shape < 0.40)
        n = 2;
      else if (k >= 3 && shape < 0.50)
        n = 3;
      owners(n, k == 1 && rng_.Chance(0.08));
      while (static_cast<long long>(plan.size()) < k) {
        const double role = rng_.Real(0, 1);
        plan.push_back({0,
                        role < 0.70   ? "resident"
                        : role < 0.90 ? "tenant"
                                      : "representative",
                        0, 0, true});
      }
    }
    // Clients: a parking space or storage room often belongs to an owner of a flat of the
    // same building; everyone else is the next client.
    for (size_t j = 0; j < plan.size(); ++j) {
      long long client = 0;
      if (j == 0 && (p.kind == kParking || p.kind == kStorage) && !object_owners.empty() &&
          rng_.Chance(0.6))
        client = object_owners[static_cast<size_t>(rng_.Int(0, object_owners.size() - 1))];
      for (;;) {
        if (client == 0) client = first_client_id_ + cursor++ % clients;
        bool taken = false;
        for (size_t t = 0; t < j; ++t) taken |= plan[t].client == client;
        if (!taken) break;
        client = 0;
      }
      plan[j].client = client;
    }
    if (p.kind == kDwelling) object_owners.push_back(plan[0].client);

    for (const Planned& link : plan) {
      const long long id = next_id++;
      out_.Int(id);
      out_.Int(org_);
      out_.Int(p.id);
      out_.Int(link.client);
      out_.Text(link.role);
      if (link.dependant)
        out_.Int(plan[0].client);
      else
        out_.Null();
      const bool owner = !link.dependant;
      char number[48];
      if (owner && p.kind != kLand && rng_.Chance(0.7)) {  // ДДУ
        std::snprintf(number, sizeof number, "ДДУ-%u/%lld", p.object + 1, id);
        out_.Text(number);
        out_.Text(IsoDate(rng_, 2008, 2022));
      } else {
        out_.Null();
        out_.Null();
      }
      if (owner && rng_.Chance(0.6)) {  // акт приёма-передачи
        std::snprintf(number, sizeof number, "АПП-%lld", id);
        out_.Text(number);
        out_.Text(IsoDate(rng_, 2010, 2023));
      } else {
        out_.Null();
        out_.Null();
      }
      if (owner && rng_.Chance(0.45)) {  // свидетельство / выписка ЕГРН
        std::snprintf(number, sizeof number, "50:%02lld:%07lld:%lld", rng_.Int(10, 99),
                      rng_.Int(1, 9999999), rng_.Int(100, 9999));
        out_.Text(number);
        out_.Text(IsoDate(rng_, 2010, 2025));
      } else {
        out_.Null();
        out_.Null();
      }
      if (owner && rng_.Chance(0.85)) {  // договор управления
        std::snprintf(number, sizeof number, "ДУ-%lld", p.id);
        out_.Text(number);
        out_.Text(IsoDate(rng_, 2015, 2025));
      } else {
        out_.Null();
        out_.Null();
      }
      if (link.denominator > 0) {
        if (link.denominator == 2 && rng_.Chance(0.1)) {
          out_.Text("50%");
          out_.Int(50);
          out_.Int(100);
        } else {
          out_.Text("1/" + std::to_string(link.denominator));
          out_.Int(link.numerator);
          out_.Int(link.denominator);
        }
      } else {
        out_.Null();
        out_.Null();
        out_.Null();
      }
      if (rng_.Chance(0.01))
        out_.Text(rng_.Pick(kLinkComments));
      else
        out_.Null();
      out_.Int(rng_.Chance(0.3) ? 1 : 0);
      out_.Int(rng_.Chance(0.05) ? 1 : 0);
      out_.Text(link.dependant && rng_.Chance(0.15) ? "resident_app" : "staff");
      out_.Text(now_);
      out_.Text(now_);
      out_.EndRow();
      ++counts_.links;
    }
  }
  out_.EndTable();
  time.rows = counts_.links;
  time.insert_seconds = Seconds(start);
  for (const std::string& create : indexes) out_.Exec(create);
  time.index_seconds = Seconds(start) - time.insert_seconds;
  out_.FixSequence("premise_clients");
  table_times_.push_back(time);
}

void Generator::WriteAccounts() {
  // Legal entities: two that bill housing (by object), one capital-repair fund.
  long long le_id = out_.MaxId("legal_entities") + 1;
  const long long first_le = le_id;
  {
    TableTime time{"legal_entities"};
    const Clock::time_point start = Clock::now();
    out_.StartTable("legal_entities", {"id", "organization_id", "name", "inn", "kpp", "ogrn",
                                       "search_key", "created_at", "updated_at"});
    const char* const names[] = {"ООО «УК Бенчмарк»", "ООО «Расчётный центр Бенчмарк»",
                                 "НКО «Фонд капитального ремонта»"};
    for (const char* name : names) {
      std::string ogrn = "1" + std::to_string(rng_.Int(10000000000LL, 99999999999LL));
      unsigned long long body = std::stoull(ogrn);
      ogrn += static_cast<char>('0' + body % 11 % 10);
      reference::Values values = {{"name", std::string(name)},
                                  {"inn", CompanyInn(rng_)},
                                  {"kpp", std::string("770101001")},
                                  {"ogrn", ogrn}};
      out_.Int(le_id++);
      out_.Int(org_);
      out_.Text(name);
      out_.Text(std::get<std::string>(values["inn"]));
      out_.Text("770101001");
      out_.Text(ogrn);
      out_.Text(reference::SearchKey(Spec("legal_entities"), values));
      out_.Text(now_);
      out_.Text(now_);
      out_.EndRow();
      ++counts_.legal_entities;
    }
    out_.EndTable();
    out_.FixSequence("legal_entities");
    time.rows = counts_.legal_entities;
    time.insert_seconds = Seconds(start);
    table_times_.push_back(time);
  }

  std::vector<AccountInfo> accounts;
  accounts.reserve(static_cast<size_t>(options_.accounts));
  {
    TableTime time{"personal_accounts"};
    const Clock::time_point start = Clock::now();
    const std::vector<std::string> indexes = out_.DropIndexes("personal_accounts");
    long long next_id = out_.MaxId("personal_accounts") + 1;
    long long numbers[3] = {0, 0, 0};  // per legal entity
    out_.StartTable(
        "personal_accounts",
        {"id", "organization_id", "premise_id", "legal_entity_id", "number", "unified_account",
         "external_id", "hidden_from_resident", "debt", "created_at", "updated_at"});
    const long long premises = static_cast<long long>(premise_info_.size());
    for (long long i = 0; i < premises; ++i) {
      const PremiseInfo& p = premise_info_[static_cast<size_t>(i)];
      const double r = rng_.Real(0, 1);
      long long k = r < 0.03 ? 0 : r < 0.96 ? 1 : 2;
      const long long expected = options_.accounts * (i + 1) / premises;
      while (k > 0 && counts_.accounts + k > std::min(expected + 3, options_.accounts)) --k;
      while (counts_.accounts + k < expected - 3) ++k;
      if (i == premises - 1) k = std::max<long long>(0, options_.accounts - counts_.accounts);
      for (long long a = 0; a < k; ++a) {
        // The first account bills the housing services (one of two billing entities, by
        // object); the second is the capital-repair fund's.
        const int le = a == 0 ? static_cast<int>(p.object % 2) : 2;
        const AccountKind kind = a > 0                                        ? kRepairFund
                                 : (p.kind == kParking || p.kind == kStorage) ? kParkingSpace
                                                                              : kHousing;
        const long long id = next_id++;
        char number[32];
        std::snprintf(number, sizeof number, "%d%09lld", 31 + le * 11, ++numbers[le]);
        out_.Int(id);
        out_.Int(org_);
        out_.Int(p.id);
        out_.Int(first_le + le);
        out_.Text(number);
        if (rng_.Chance(0.35)) {  // ЕЛС of ГИС ЖКХ: 2 digits, 2 letters, 6 digits
          std::string els =
              std::to_string(rng_.Int(10, 99)) + rng_.Pick(kEgrLetters) + rng_.Pick(kEgrLetters);
          char digits[8];
          std::snprintf(digits, sizeof digits, "%06lld", rng_.Int(0, 999999));
          out_.Text(els + digits);
        } else {
          out_.Null();
        }
        if (rng_.Chance(0.5)) {
          std::snprintf(number, sizeof number, "ЛС-1С-%09lld", id);
          out_.Text(number);
        } else {
          out_.Null();
        }
        out_.Int(rng_.Chance(0.02) ? 1 : 0);
        out_.Int(0);  // computed from the ledger at the end
        out_.Text(now_);
        out_.Text(now_);
        out_.EndRow();
        ++counts_.accounts;
        accounts.push_back({id, p.area > 0 ? p.area : 5000, kind});
      }
    }
    out_.EndTable();
    time.rows = counts_.accounts;
    time.insert_seconds = Seconds(start);
    const Clock::time_point indexed = Clock::now();
    for (const std::string& create : indexes) out_.Exec(create);
    time.index_seconds = Seconds(indexed);
    out_.FixSequence("personal_accounts");
    table_times_.push_back(time);
  }

  // Charges: K rows an account, S services a month (S = K / 12, at least 1) over the last
  // ceil(K / S) months, the amount by area and rate ±3 %, now and then a recalculation.
  const long long per_account = options_.charges_per_account;
  const long long services = std::max<long long>(1, per_account / 12);
  const std::vector<Period> periods = MakePeriods(now_, (per_account + services - 1) / services);
  const auto services_of = [](AccountKind kind) -> std::pair<const Service*, size_t> {
    switch (kind) {
      case kRepairFund:
        return {kFundServices, std::size(kFundServices)};
      case kParkingSpace:
        return {kParkingServices, std::size(kParkingServices)};
      default:
        return {kHousingServices, std::size(kHousingServices)};
    }
  };
  // Calls `row(month, service name, amount)` for each charge of the account, the same every
  // time for the same account.
  const auto each_charge = [&](const AccountInfo& a, auto&& row) {
    HashRandom h(options_.seed, a.id, 1);
    const auto [list, size] = services_of(a.kind);
    for (long long c = 0; c < per_account; ++c) {
      const size_t month = static_cast<size_t>(c / services);
      const Service& service = list[static_cast<size_t>(c % services) % size];
      long long amount = a.area * service.rate / 100 * (970 + h.Int(0, 60)) / 1000;
      if (h.Chance(0.005)) amount = -amount * h.Int(5, 20) / 100;  // перерасчёт
      if (amount == 0) amount = 100;
      row(month, service.name, amount);
    }
  };
  {
    TableTime time{"account_charges"};
    const Clock::time_point start = Clock::now();
    const std::vector<std::string> indexes = out_.DropIndexes("account_charges");
    long long next_id = out_.MaxId("account_charges") + 1;
    out_.StartTable("account_charges", {"id", "organization_id", "account_id", "period", "service",
                                        "amount", "created_at"});
    for (const AccountInfo& a : accounts) {
      each_charge(a, [&](size_t month, const char* service, long long amount) {
        out_.Int(next_id++);
        out_.Int(org_);
        out_.Int(a.id);
        out_.Text(periods[month].period);
        out_.Text(service);
        out_.Int(amount);
        out_.Text(now_);
        out_.EndRow();
        ++counts_.charges;
      });
    }
    out_.EndTable();
    time.rows = counts_.charges;
    time.insert_seconds = Seconds(start);
    const Clock::time_point indexed = Clock::now();
    for (const std::string& create : indexes) out_.Exec(create);
    time.index_seconds = Seconds(indexed);
    out_.FixSequence("account_charges");
    table_times_.push_back(time);
  }

  // Payments by the account's payer profile: 70 % pay every bill in full the next month,
  // 14 % skip now and then and catch up, 8 % pay part, 5 % (almost) never pay, 3 % pay ahead in
  // round sums. A payment dated after today is not made yet.
  const int today_year = std::stoi(now_.substr(0, 4));
  const int today_month = std::stoi(now_.substr(5, 2));
  const int today_day = std::stoi(now_.substr(8, 2));
  {
    TableTime time{"account_payments"};
    const Clock::time_point start = Clock::now();
    const std::vector<std::string> indexes = out_.DropIndexes("account_payments");
    long long next_id = out_.MaxId("account_payments") + 1;
    out_.StartTable("account_payments", {"id", "organization_id", "account_id", "date", "amount",
                                         "source", "created_at"});
    std::vector<long long> bills(periods.size());
    for (const AccountInfo& a : accounts) {
      std::fill(bills.begin(), bills.end(), 0);
      each_charge(a, [&](size_t month, const char*, long long amount) { bills[month] += amount; });
      HashRandom h(options_.seed, a.id, 2);
      const double profile = h.Real();
      const char* source = kPaymentSources[h.Int(0, std::size(kPaymentSources) - 1)];
      long long owed = 0;
      for (size_t m = 0; m < periods.size(); ++m) {
        owed += bills[m];
        long long pay = 0;
        if (profile < 0.70) {
          pay = bills[m];
        } else if (profile < 0.84) {
          const double r = h.Real();
          pay = r < 0.55 ? owed : r < 0.80 ? bills[m] : 0;
        } else if (profile < 0.92) {
          if (h.Chance(0.75)) pay = bills[m] * h.Int(40, 90) / 100 / 10000 * 10000;
        } else if (profile < 0.97) {
          if (h.Chance(0.04)) pay = owed / 2;
        } else {
          pay = (bills[m] / 100000 + 1) * 100000;  // rounded up to 1,000 ₽
        }
        if (pay <= 0) continue;
        const int day = static_cast<int>(h.Int(1, 28));
        const Period& period = periods[m];
        if (period.pay_year > today_year ||
            (period.pay_year == today_year &&
             (period.pay_month > today_month ||
              (period.pay_month == today_month && day > today_day))))
          continue;
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02d-%02d", period.pay_year, period.pay_month, day);
        out_.Int(next_id++);
        out_.Int(org_);
        out_.Int(a.id);
        out_.Text(date);
        out_.Int(pay);
        out_.Text(h.Chance(0.9) ? source
                                : kPaymentSources[h.Int(0, std::size(kPaymentSources) - 1)]);
        out_.Text(now_);
        out_.EndRow();
        owed -= pay;
        ++counts_.payments;
      }
    }
    out_.EndTable();
    time.rows = counts_.payments;
    time.insert_seconds = Seconds(start);
    const Clock::time_point indexed = Clock::now();
    for (const std::string& create : indexes) out_.Exec(create);
    time.index_seconds = Seconds(indexed);
    out_.FixSequence("account_payments");
    table_times_.push_back(time);
  }
}

void Generator::ComputeDebts() {
  const std::string org = std::to_string(org_);
  // An account's debt = its charges − its payments, in one pass over both tables. On
  // PostgreSQL the UPDATE writes a new version of every row and of every index entry (the
  // pages are full after COPY: no HOT updates), so the indexes are built again after it
  // (1M accounts: 173 s with them in place); SQLite touches only indexes on `debt` (none).
  const bool sqlite = options_.db.rfind("sqlite:", 0) == 0;
  Clock::time_point start = Clock::now();
  std::vector<std::string> account_indexes;
  if (options_.accounts > 0 && !sqlite) account_indexes = out_.DropIndexes("personal_accounts");
  if (options_.accounts > 0)
    out_.Exec(
        "UPDATE personal_accounts SET debt = t.debt FROM (SELECT account_id, SUM(amount) AS debt "
        "FROM (SELECT account_id, amount FROM account_charges WHERE organization_id = " +
        org +
        " UNION ALL SELECT account_id, -amount FROM account_payments WHERE organization_id = " +
        org + ") AS u GROUP BY account_id) AS t WHERE personal_accounts.id = t.account_id");
  for (const std::string& create : account_indexes) out_.Exec(create);
  account_debt_seconds_ = Seconds(start);
  // A client's debt = Σ debt of the accounts of the premises they are linked to. The debt
  // index is built after the update rather than kept up to date row by row.
  start = Clock::now();
  if (options_.links > 0 && options_.accounts > 0) {
    const std::vector<std::string> debt_indexes = out_.DropIndexes("clients", "debt");
    out_.Exec(
        "UPDATE clients SET debt = t.debt FROM (SELECT l.client_id, SUM(a.debt) AS debt FROM "
        "premise_clients l JOIN personal_accounts a ON a.premise_id = l.premise_id WHERE "
        "l.organization_id = " +
        org + " GROUP BY l.client_id) AS t WHERE clients.id = t.client_id AND t.debt <> 0");
    for (const std::string& create : debt_indexes) out_.Exec(create);
  }
  client_debt_seconds_ = Seconds(start);
}

int main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  try {
    const Clock::time_point start = Clock::now();
    spdlog::set_level(spdlog::level::warn);
    access::InitCrypto();
    const db::DbUrl url = db::ParseDbUrl(options.db);
    long long org = 0;
    std::string login = options.login;
    {
      // The organisation and its admin exactly as `upravdom org create` / `user create` make
      // them (argon2id hash included).
      Config config;
      config.db_url = options.db;
      app::Application application(config, 1);
      db::ApplyMigrations(application.database());
      org = application.access().CreateOrganization(options.org_name);
      if (login.empty()) login = "bench" + std::to_string(org);
      application.access().CreateUser(org, login, options.password, "admin",
                                      "Администратор (генератор)");
    }
    std::unique_ptr<BulkWriter> out;
    if (url.dialect == db::Dialect::kSqlite)
      out = std::make_unique<SqliteWriter>(options.db.substr(7));
    else
      out = std::make_unique<PostgresWriter>(options.db);
    ThreadedWriter threaded(std::move(out));
    Generator generator(threaded, org, options);
    const Counts c = generator.Run();
    const double total = Seconds(start);
    std::cout << "org_id=" << org << "\nlogin=" << login << "\npassword=" << options.password
              << "\n";
    std::cout << "object_groups=" << c.groups << " quarters=" << c.quarters
              << " objects=" << c.objects << " entrances=" << c.entrances << " floors=" << c.floors
              << " premises=" << c.premises << " tags=" << c.tags
              << " premise_tags=" << c.premise_tags << " street_keys=" << c.streets
              << " clients=" << c.clients << " client_external_ids=" << c.client_external_ids
              << " links=" << c.links << " legal_entities=" << c.legal_entities
              << " accounts=" << c.accounts << " charges=" << c.charges
              << " payments=" << c.payments << "\n";
    for (const TableTime& t : generator.table_times()) {
      const double seconds = t.insert_seconds + t.index_seconds;
      std::printf(
          "%s: %lld rows in %.2f s = %.0f rows/s (rows %.2f s = %.0f rows/s, indexes %.2f s)\n",
          t.table.c_str(), t.rows, seconds, static_cast<double>(t.rows) / seconds, t.insert_seconds,
          static_cast<double>(t.rows) / t.insert_seconds, t.index_seconds);
    }
    if (c.accounts > 0)
      std::printf("debts: personal_accounts.debt %.2f s, clients.debt %.2f s\n",
                  generator.account_debt_seconds(), generator.client_debt_seconds());
    if (c.clients > 0)
      std::printf("clients: %lld rows in %.2f s = %.0f rows/s (rows, indexes, FTS rebuild)\n",
                  c.clients, generator.clients_seconds(),
                  static_cast<double>(c.clients) / generator.clients_seconds());
    if (c.premises > 0) {
      std::printf("premises: %lld rows in %.2f s = %.0f rows/s (rows %.2f s, indexes %.2f s)",
                  c.premises, generator.premises_seconds(),
                  static_cast<double>(c.premises) / generator.premises_seconds(),
                  generator.insert_seconds(),
                  generator.premises_seconds() - generator.insert_seconds());
      if (url.dialect == db::Dialect::kSqlite)  // all the work is in this process
        std::printf("; CPU %.2f s = %.0f rows per CPU-second (rows %.2f s, indexes %.2f s)",
                    generator.premises_cpu(),
                    static_cast<double>(c.premises) / generator.premises_cpu(),
                    generator.insert_cpu(), generator.premises_cpu() - generator.insert_cpu());
    }
    std::printf("%stotal %.2f s\n", c.premises > 0 ? "; " : "", total);
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "generate: " << error.what() << "\n";
    return 1;
  }
}
