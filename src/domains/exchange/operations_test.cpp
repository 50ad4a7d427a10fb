#include "domains/exchange/operations.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/time.hpp"
#include "db/migrations.hpp"
#include "db/sql.hpp"

using namespace upravdom;
using namespace upravdom::exchange;

namespace {

class OperationLogTest : public ::testing::Test {
 protected:
  OperationLogTest()
      : path_(std::filesystem::temp_directory_path() /
              ("upravdom-exchange-log-test-" + std::to_string(::getpid()) + ".db")),
        database_("sqlite:" + path_.string(), 2),
        log_(database_) {
    db::ApplyMigrations(database_);
    org_a_ = Organization("УК «Альфа»");
    org_b_ = Organization("УК «Бета»");
  }
  ~OperationLogTest() override {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  long long Organization(const std::string& name) {
    db::Session sql(database_);
    db::Sql insert("INSERT INTO organizations (name, created_at, updated_at) VALUES (");
    insert.Bind(name) << ", ";
    insert.Bind(timeutil::NowIso()) << ", ";
    insert.Bind(timeutil::NowIso()) << ") RETURNING id";
    return db::InsertReturningId(sql, insert);
  }

  // Moves the operation's updated_at into the past, as if it had been silent that long.
  void Age(long long id, long long seconds) {
    db::Session sql(database_);
    db::Sql update("UPDATE exchange_operations SET updated_at = ");
    update.Bind(timeutil::IsoAfter(std::chrono::seconds(-seconds))) << " WHERE id = ";
    update.Bind(id);
    db::Exec(sql, update);
  }

  std::filesystem::path path_;
  db::Database database_;
  OperationLog log_;
  long long org_a_ = 0;
  long long org_b_ = 0;
};

}  // namespace

TEST_F(OperationLogTest, StartProgressFinishAndRead) {
  long long id = log_.Start(org_a_, "import", "1c", "API: 1С");
  auto running = log_.Find(org_a_, id);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->status, "running");
  EXPECT_EQ(running->kind, "import");
  EXPECT_EQ(running->source, "1c");
  EXPECT_EQ(running->actor_name, "API: 1С");
  EXPECT_EQ(running->message, "");
  EXPECT_EQ(running->counts, nlohmann::json::object());
  EXPECT_EQ(running->details, nlohmann::json::object());
  EXPECT_FALSE(running->finished_at);
  EXPECT_EQ(running->started_at.size(), 20u) << running->started_at;  // 2026-11-27T06:28:49Z

  log_.Progress(org_a_, id, {{"records", 3}, {"processed", 1}});
  EXPECT_EQ(log_.Find(org_a_, id)->counts, (nlohmann::json{{"records", 3}, {"processed", 1}}));

  nlohmann::json details = {
      {"errors", {{{"index", 2}, {"field", "clients[0].phone"}, {"message", "Неверный номер"}}}},
      {"warnings", nlohmann::json::array()},
      {"merges", nlohmann::json::array()}};
  log_.Finish(org_a_, id, "failed", "Запись 3: Неверный номер", {{"records", 3}, {"errors", 1}},
              details);
  auto done = log_.Find(org_a_, id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, "failed");
  EXPECT_EQ(done->message, "Запись 3: Неверный номер");
  EXPECT_EQ(done->counts["errors"], 1);
  EXPECT_EQ(done->details, details);
  ASSERT_TRUE(done->finished_at);

  // A finished operation takes no more progress.
  log_.Progress(org_a_, id, {{"records", 99}});
  EXPECT_EQ(log_.Find(org_a_, id)->counts["records"], 3);

  nlohmann::json json = ToJson(*done, /*with_details=*/true);
  EXPECT_EQ(json["details"], details);
  EXPECT_EQ(json["finished_at"], *done->finished_at);
  EXPECT_FALSE(ToJson(*done, /*with_details=*/false).contains("details"));

  EXPECT_THROW(log_.Finish(org_a_, id, "running", "", {}, {}), std::invalid_argument);
}

// An import holds a connection while it reports progress: with every connection of the
// pool held (imports each waiting for a second one would wait forever), the progress is
// shown in this process at once and written to the database through the caller's own
// connection, or not at all — never waited for.
TEST_F(OperationLogTest, ProgressNeverWaitsForAConnection) {
  const long long id = log_.Start(org_a_, "import", "1c", "");
  auto stored = [&] {
    db::Session sql(database_);
    db::Sql query("SELECT counts FROM exchange_operations WHERE id = ");
    query.Bind(id);
    return nlohmann::json::parse(db::QueryText(sql, query).value_or("{}"));
  };
  {
    db::Session first(database_);
    db::Session second(database_);  // the fixture's pool holds two
    EXPECT_FALSE(db::TrySession(database_));
    log_.Progress(org_a_, id, {{"processed", 1000}});  // returns: nothing to borrow
  }
  EXPECT_EQ(stored(), nlohmann::json::object()) << "no connection was free: not written";
  EXPECT_EQ(log_.Find(org_a_, id)->counts["processed"], 1000) << "shown all the same";
  {
    db::Session first(database_);
    db::Session second(database_);
    log_.Progress(org_a_, id, {{"processed", 2000}}, /*durable=*/true, &first.get());
  }
  EXPECT_EQ(stored()["processed"], 2000) << "written through the caller's own connection";
  EXPECT_TRUE(db::TrySession(database_)) << "given back";
}

TEST_F(OperationLogTest, EmptyActorIsNullAndBrokenUtf8IsReplaced) {
  long long id = log_.Start(org_a_, "import_dry_run", "api", "");
  EXPECT_FALSE(log_.Find(org_a_, id)->actor_name);
  const std::string cut = std::string("Ошибка") + "\xD0";  // a message cut inside a letter
  log_.Finish(org_a_, id, "warnings", cut, {{"records", 1}}, nullptr);
  auto op = log_.Find(org_a_, id);
  EXPECT_EQ(op->message, "Ошибка\xEF\xBF\xBD");
  EXPECT_EQ(op->details, nlohmann::json::object());
}

TEST_F(OperationLogTest, ListsNewestFirstWithFiltersAndPages) {
  std::vector<long long> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(log_.Start(org_a_, i % 2 ? "import_dry_run" : "import", "1c", "Админ"));
  log_.Finish(org_a_, ids[0], "ok", "", {}, {});
  log_.Finish(org_a_, ids[1], "warnings", "Предупреждение", {}, {});

  OperationPage all = log_.List(org_a_, {});
  EXPECT_EQ(all.total, 5);
  ASSERT_EQ(all.items.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(all.items[i].id, ids[4 - i]) << i;
  EXPECT_EQ(all.items[0].details, nlohmann::json::object()) << "the list has no details";

  OperationPage page = log_.List(org_a_, {.limit = 2, .offset = 2});
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, ids[2]);
  EXPECT_EQ(page.items[1].id, ids[1]);

  OperationPage dry = log_.List(org_a_, {.kind = "import_dry_run"});
  EXPECT_EQ(dry.total, 2);
  for (const Operation& op : dry.items) EXPECT_EQ(op.kind, "import_dry_run");

  OperationPage running = log_.List(org_a_, {.status = "running"});
  EXPECT_EQ(running.total, 3);
  OperationPage warned = log_.List(org_a_, {.kind = "import_dry_run", .status = "warnings"});
  ASSERT_EQ(warned.total, 1);
  EXPECT_EQ(warned.items[0].id, ids[1]);

  EXPECT_EQ(log_.List(org_a_, {.offset = 10}).items.size(), 0u);
  EXPECT_EQ(log_.List(org_a_, {.offset = 10}).total, 5);
}

TEST_F(OperationLogTest, OrganisationsSeeOnlyTheirOwnOperations) {
  long long a = log_.Start(org_a_, "import", "1c", "A");
  long long b = log_.Start(org_b_, "import", "xml", "B");
  EXPECT_FALSE(log_.Find(org_b_, a));
  EXPECT_FALSE(log_.Find(org_a_, b));
  ASSERT_EQ(log_.List(org_b_, {}).items.size(), 1u);
  EXPECT_EQ(log_.List(org_b_, {}).items[0].id, b);
  EXPECT_EQ(log_.List(org_a_, {}).total, 1);

  // Writes with another organisation's id change nothing.
  log_.Progress(org_b_, a, {{"records", 7}});
  log_.Finish(org_b_, a, "ok", "чужая", {}, {});
  auto untouched = log_.Find(org_a_, a);
  EXPECT_EQ(untouched->status, "running");
  EXPECT_EQ(untouched->counts, nlohmann::json::object());
}

TEST_F(OperationLogTest, MarkInterruptedFailsRunningOperations) {
  long long finished = log_.Start(org_a_, "import", "1c", "");
  log_.Finish(org_a_, finished, "ok", "", {{"records", 1}}, {});
  long long fresh = log_.Start(org_a_, "import", "1c", "");
  long long stale = log_.Start(org_b_, "import", "1c", "");
  Age(stale, OperationLog::kStaleSeconds + 10);

  // With a stale time only the silent one goes (PostgreSQL: a sibling may still run `fresh`).
  EXPECT_EQ(log_.MarkInterrupted(OperationLog::kStaleSeconds), 1);
  EXPECT_EQ(log_.Find(org_b_, stale)->status, "failed");
  EXPECT_EQ(log_.Find(org_b_, stale)->message, OperationLog::kInterruptedMessage);
  EXPECT_TRUE(log_.Find(org_b_, stale)->finished_at);
  EXPECT_EQ(log_.Find(org_a_, fresh)->status, "running");

  // SQLite's start-up sweep: every running operation.
  EXPECT_EQ(log_.MarkInterruptedAtStart(), 1);
  auto cut = log_.Find(org_a_, fresh);
  EXPECT_EQ(cut->status, "failed");
  EXPECT_EQ(cut->message, "Операция прервана: сервер был остановлен");
  auto ok = log_.Find(org_a_, finished);
  EXPECT_EQ(ok->status, "ok") << "finished operations are left alone";
  EXPECT_EQ(ok->message, "");
  EXPECT_EQ(log_.MarkInterruptedAtStart(), 0);

  // An operation that finishes after all gets its real outcome.
  log_.Finish(org_a_, fresh, "ok", "", {{"records", 2}}, {});
  EXPECT_EQ(log_.Find(org_a_, fresh)->status, "ok");
}

TEST_F(OperationLogTest, SqliteReadsDoNotSweepTheServersOwnOperations) {
  long long id = log_.Start(org_a_, "import", "1c", "");
  Age(id, OperationLog::kStaleSeconds + 10);
  // On SQLite the server owns the file: a running operation is its own, however silent.
  EXPECT_EQ(log_.Find(org_a_, id)->status, "running");
  EXPECT_EQ(log_.List(org_a_, {}).items[0].status, "running");
}
