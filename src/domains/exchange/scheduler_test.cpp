#include "domains/exchange/scheduler.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "db/migrations.hpp"
#include "db/sql.hpp"
#include "db/test_database.hpp"
#include "domains/exchange/test_peer_process.hpp"
#include "domains/exchange/test_ports.hpp"
#include "domains/exchange/test_trickle_peer.hpp"

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

// The server stops while a run's download crawls: Stop cuts it off at once instead of
// waiting for its timeout, and the organisation's log gets no failure of its own for it.
TEST_F(SchedulerTest, StopCutsOffARunsDownloadWithoutAFailureInTheLog) {
  test_support::TricklePeer slow(
      "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000000\r\n\r\n<",
      std::chrono::milliseconds(50));
  SaveDue("http://127.0.0.1:" + std::to_string(slow.port()) + "/offers.xml");
  Scheduler scheduler(database_, log_, engine_, settings_, secrets_);
  scheduler.Start({.poll = std::chrono::milliseconds(100), .limits = {.allow_private = true}});
  for (int i = 0; i < 200 && slow.connections() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(slow.connections(), 1) << "the due slot's download did not start";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  scheduler.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_TRUE(log_.List(org_, {}).items.empty()) << "a stop is not the organisation's failure";
  EXPECT_EQ(Count("mail_outbox"), 0) << "no file was done: no report";
  EXPECT_FALSE(settings_.Find(org_)->lease_until.has_value()) << "the lease is released";
}

// «Удалять файлы выгрузки после прочтения» while 1С uploads a new version during the run (here:
// when the import has applied the file read): the new version stays on the FTP server, and the
// run's report says why; an unchanged file is deleted.
TEST_F(SchedulerTest, ANewVersionUploadedDuringTheRunIsNotDeletedAndTheReportSaysSo) {
  namespace fs = std::filesystem;
  const fs::path root =
      fs::temp_directory_path() / ("upravdom-scheduler-ftp-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "sber");
  const fs::path offers = root / "sber" / "offers.xml";
  const auto write = [](const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  };
  const std::string first =
      "<?xml version=\"1.0\"?>\n<upravdom-import version=\"1\"><record><client "
      "external_id=\"DEL-1\" last_name=\"Первый\" phone=\"+79120000001\"/></record>"
      "</upravdom-import>\n";
  const std::string second = first + "<!-- the next export -->\n";
  write(offers, first);
  const int port = test_support::FreeLoopbackPort();
  test_support::Peer ftp({test_support::kPython, "-c", test_support::kFtpScript,
                          std::to_string(port), root.string(), "crm", "ftp-1"},
                         port, root.parent_path() / (root.filename().string() + ".log"));
  ASSERT_TRUE(ftp.up()) << "pyftpdlib did not start (python3-pyftpdlib installed?)";

  ExchangeSettings s;
  s.organization_id = org_;
  s.ftp_host = "127.0.0.1";
  s.ftp_port = port;
  s.ftp_user = "crm";
  s.ftp_password_enc = secrets_.Seal("ftp-1");
  s.paths = {"/sber/offers.xml"};
  s.delete_after_read = true;
  s.report_emails = {"ops@example.ru"};
  s.schedule = {"0", "3", "*", "*", "*"};
  s.schedule_enabled = true;
  s.next_run_at = "2020-01-01T00:00:00Z";
  settings_.Save(s);
  engine_.OnApplied([&] { write(offers, second); });  // 1С, between the download and DELE

  Scheduler scheduler(database_, log_, engine_, settings_, secrets_);
  scheduler.Start({.poll = std::chrono::milliseconds(50), .limits = {.allow_private = true}});
  const auto wait_reports = [&](long long count) {
    for (int i = 0; i < 400 && Count("mail_outbox") < count; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    return Count("mail_outbox") == count;
  };
  ASSERT_TRUE(wait_reports(1)) << "the run did not end";
  EXPECT_TRUE(fs::exists(offers)) << "the new version is not deleted unread";
  std::string body;
  {
    db::Session sql(database_);
    body = db::QueryText(sql, db::Sql("SELECT body FROM mail_outbox")).value_or("");
  }
  EXPECT_NE(body.find("Файл /sber/offers.xml — OK"), std::string::npos) << body;
  EXPECT_NE(
      body.find("Файл не удалён с FTP-сервера: Файл «/sber/offers.xml»: изменился на "
                "FTP-сервере после загрузки (размер " +
                std::to_string(first.size()) + " → " + std::to_string(second.size()) + " байт)"),
      std::string::npos)
      << body;

  // The next run reads the new version; nothing changes it meanwhile: it is deleted.
  engine_.OnApplied(nullptr);
  settings_.Save(s);
  ASSERT_TRUE(wait_reports(2)) << "the second run did not end";
  scheduler.Stop();
  EXPECT_FALSE(fs::exists(offers));
  fs::remove_all(root);
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
