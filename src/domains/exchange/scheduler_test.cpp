#include "domains/exchange/scheduler.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "db/migrations.hpp"
#include "db/sql.hpp"
#include "db/test_database.hpp"
#include "domains/exchange/test_ports.hpp"

using namespace upravdom;
using namespace upravdom::exchange;

namespace {

int ClosedPort() {
  return upravdom::exchange::test_support::FreeLoopbackPort();
}

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest()
      : database_(file_.url(), 2),
        log_(database_),
        engine_(database_, log_),
        settings_(database_),
        secrets_(SecretBox::Key{}) {
    db::ApplyMigrations(database_);
    db::Session sql(database_);
    db::Sql insert("INSERT INTO organizations (name, created_at, updated_at) VALUES ('УК', ");
    insert.Bind(timeutil::NowIso()) << ", ";
    insert.Bind(timeutil::NowIso()) << ")";
    org_ = db::InsertReturningId(sql, insert << " RETURNING id");
  }

  // Settings with an enabled daily schedule whose slot is due, importing one link.
  void SaveDue(const std::string& location) {
    ExchangeSettings s;
    s.organization_id = org_;
    s.paths = {location};
    s.report_emails = {"ops@example.ru"};
    s.schedule = {"0", "3", "*", "*", "*"};
    s.schedule_enabled = true;
    s.next_run_at = "2020-01-01T00:00:00Z";
    settings_.Save(s);
  }

  long long Count(const std::string& table) {
    db::Session sql(database_);
    return db::QueryInt(sql, db::Sql("SELECT COUNT(*) FROM " + table)).value_or(-1);
  }

  db::TestDatabaseFile file_;
  db::Database database_;
  OperationLog log_;
  ImportEngine engine_;
  SettingsRepository settings_;
  SecretBox secrets_;
  long long org_ = 0;
};

}  // namespace

TEST_F(SchedulerTest, ASlotIsClaimedOnceAndTheLeaseKeepsRunNowOut) {
  SaveDue("https://example.ru/a.xml");
  const std::string now = timeutil::NowIso();
  ASSERT_EQ(settings_.ListDue(now).size(), 1u);
  EXPECT_TRUE(settings_.ClaimSlot(org_, "2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "a",
                                  timeutil::IsoAfter(std::chrono::minutes(15)), now));
  EXPECT_FALSE(settings_.ClaimSlot(org_, "2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "b",
                                   timeutil::IsoAfter(std::chrono::minutes(15)), now))
      << "the second instance finds the slot taken";
  EXPECT_TRUE(settings_.ListDue(now).empty()) << "next_run_at moved with the claim";
  EXPECT_FALSE(settings_.ClaimRunNow(org_, "b", timeutil::IsoAfter(std::chrono::minutes(15)), now))
      << "a run is going on";
  settings_.Release(org_, "b", now);  // not b's lease: nothing changes
  EXPECT_FALSE(settings_.ClaimRunNow(org_, "b", timeutil::IsoAfter(std::chrono::minutes(15)), now));
  settings_.Release(org_, "a", now);
  EXPECT_TRUE(settings_.ClaimRunNow(org_, "b", timeutil::IsoAfter(std::chrono::minutes(15)), now));
  EXPECT_EQ(settings_.Find(org_)->last_run_at, now);
}

TEST_F(SchedulerTest, TwoSchedulersRunADueSlotOnceAndLogAFetchFailure) {
  SaveDue("http://127.0.0.1:" + std::to_string(ClosedPort()) + "/offers.xml");
  Scheduler first(database_, log_, engine_, settings_, secrets_);
  Scheduler second(database_, log_, engine_, settings_, secrets_);
  EXPECT_EQ(first.RunDue() + second.RunDue(), 1);
  EXPECT_EQ(first.RunDue() + second.RunDue(), 0) << "the missed slot runs once";
  OperationPage page = log_.List(org_, {});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].status, "failed");
  EXPECT_EQ(page.items[0].actor_name, "Расписание");
  EXPECT_NE(page.items[0].message.find("/offers.xml"), std::string::npos) << page.items[0].message;
  EXPECT_EQ(Count("mail_outbox"), 1) << "one report per run";
  auto saved = settings_.Find(org_);
  ASSERT_TRUE(saved->next_run_at);
  EXPECT_GT(*saved->next_run_at, timeutil::NowIso()) << "the next slot is after now";
  EXPECT_TRUE(saved->last_run_at.has_value());
  EXPECT_FALSE(saved->lease_until.has_value()) << "the lease is released";
}

TEST(Report, OkOrErrorsWithEachFileAndItsOperation) {
  MailMessage ok = BuildReport("УК «Альфа»", "по расписанию", {"a@b.ru"},
                               {{"/sber/offers.xml", "ok", "записей 2 из 2, создано 2", 7}});
  EXPECT_EQ(ok.subject, "Импорт выполнен: OK");
  EXPECT_EQ(ok.to, (std::vector<std::string>{"a@b.ru"}));
  EXPECT_NE(ok.body.find("Организация: УК «Альфа»"), std::string::npos);
  EXPECT_NE(ok.body.find("Файл /sber/offers.xml — OK (операция 7)"), std::string::npos) << ok.body;
  MailMessage bad = BuildReport(
      "", "вручную", {"a@b.ru"},
      {{"/a.xml", "warnings", "Предупреждение в записи 0: …", 8},
       {"/b.xml", "failed", "Ошибка в записи 1, поле client.phone: Неверный номер телефона", 9}});
  EXPECT_EQ(bad.subject, "Импорт выполнен с ошибками");
  EXPECT_NE(
      bad.body.find("Файл /b.xml — ошибка (операция 9)\nОшибка в записи 1, поле client.phone"),
      std::string::npos)
      << bad.body;
  EXPECT_NE(bad.body.find("Файл /a.xml — с предупреждениями"), std::string::npos);
  EXPECT_EQ(BuildReport("", "", {"a@b.ru"}, {{"/a.xml", "warnings", "", 1}}).subject,
            "Импорт выполнен с предупреждениями");
}
