#include "domains/exchange/scheduler.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
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

// An HTTP peer on loopback that sends the headers and the first half of the file at once and
// the rest only after Finish(): a download — and so a run — lasts as long as the test wants.
// Each connection is served on a thread of its own, so a second download is counted at once.
class StalledHttpPeer {
 public:
  explicit StalledHttpPeer(std::string body) : body_(std::move(body)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("StalledHttpPeer: no socket");
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~StalledHttpPeer() {
    Finish();
    ::shutdown(listener_, SHUT_RDWR);  // accept() returns
    acceptor_.join();
    ::close(listener_);
    for (std::thread& connection : connections_) connection.join();
  }

  int port() const { return port_; }
  int downloads() const { return downloads_.load(); }
  void Finish() {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    finish_.notify_all();
  }

 private:
  void Accept() {
    for (;;) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      ++downloads_;
      connections_.emplace_back([this, fd] { Serve(fd); });
    }
  }
  void Serve(int fd) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
    }
    const size_t half = body_.size() / 2;
    Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: " +
                 std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" +
                 body_.substr(0, half));
    {
      std::unique_lock lock(mutex_);
      finish_.wait(lock, [this] { return finished_; });
    }
    Send(fd, body_.substr(half));
    ::close(fd);
  }
  static void Send(int fd, const std::string& data) {
    for (size_t sent = 0; sent < data.size();) {
      const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  const std::string body_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> downloads_{0};
  std::mutex mutex_;
  std::condition_variable finish_;
  bool finished_ = false;
  std::vector<std::thread> connections_;  // touched by the acceptor thread only, then joined
  std::thread acceptor_;
};

// Waits up to 10 s for `done`.
template <class F>
bool WaitFor(F done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
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

  void Exec(const std::string& statement) {
    db::Session sql(database_);
    db::Exec(sql, db::Sql(statement));
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
  EXPECT_TRUE(settings_.RenewLease(org_, "a", timeutil::IsoAfter(std::chrono::minutes(15))));
  EXPECT_FALSE(settings_.RenewLease(org_, "b", timeutil::IsoAfter(std::chrono::minutes(15))))
      << "b does not hold the lease";
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
  // 1С, between the download and DELE. On a loaded machine the write may fall into the next
  // second: the message then also says the modification time differs.
  engine_.OnApplied([&] { write(offers, second); });

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
                std::to_string(first.size()) + " → " + std::to_string(second.size()) + " байт"),
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

TEST_F(SchedulerTest, ARunLongerThanTheLeaseKeepsItAndNoOtherInstanceStartsTheImport) {
  // The download stalls until Finish(): the run lasts as long as the test wants, here three
  // leases (an import of 100,000 records takes minutes; the lease is 15).
  StalledHttpPeer peer(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<upravdom-import version=\"1\"><record>"
      "<client external_id=\"LONG-1\" last_name=\"Долгов\" phone=\"+79120000042\"/></record>"
      "</upravdom-import>\n");
  auto log = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(200);
  spdlog::default_logger()->sinks().push_back(log);
  const SchedulerOptions options{.poll = std::chrono::milliseconds(100),
                                 .lease = std::chrono::seconds(2),
                                 .limits = {.allow_private = true}};
  // Two instances over one database, both started before the slot is due (on SQLite Start
  // clears the leases: one server owns the file). One of them takes the slot.
  Scheduler first(database_, log_, engine_, settings_, secrets_);
  Scheduler second(database_, log_, engine_, settings_, secrets_);
  first.Start(options);
  second.Start(options);
  SaveDue("http://127.0.0.1:" + std::to_string(peer.port()) + "/long.xml");
  ASSERT_TRUE(WaitFor([&] { return peer.downloads() == 1; })) << "the slot's run did not start";
  std::string owner;
  {
    db::Session sql(database_);
    owner = db::QueryText(sql, db::Sql("SELECT lease_owner FROM exchange_settings")).value_or("");
  }
  ASSERT_TRUE(owner == first.instance_id() || owner == second.instance_id()) << owner;
  // The next slot comes due while the run goes on (an hourly schedule and a run of hours).
  Exec("UPDATE exchange_settings SET next_run_at = '2020-01-01T00:00:00Z'");
  std::this_thread::sleep_for(3 * options.lease);
  EXPECT_EQ(peer.downloads(), 1) << "the second instance started the import again";
  auto saved = settings_.Find(org_);
  ASSERT_TRUE(saved->lease_until);
  EXPECT_GT(*saved->lease_until, timeutil::NowIso()) << "the lease is renewed during the run";
  try {
    first.RunNow(Actor{org_, 1, "Администратор"});
    ADD_FAILURE() << "run now started during the run";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kConflict);
  }

  // Another instance holding the lease (it ran out while this one was stopped by the OS, say):
  // the next renewal says so in the log, and this run stops — two runs of one organisation's
  // files at once would import them twice and race to delete them. Its download, still
  // stalled, is cut off (FetchLimits::stop) rather than awaited.
  Exec("UPDATE exchange_settings SET lease_owner = 'other', lease_until = '2999-01-01T00:00:00Z'");
  const auto logged = [&] {
    for (const std::string& line : log->last_formatted())
      if (line.find("lost the lease of its running import") != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(WaitFor(logged)) << "no error logged for the lost lease";
  Exec("UPDATE exchange_settings SET lease_owner = '" + owner +
       "', schedule_enabled = 0");  // back to the run; no slot after it

  EXPECT_TRUE(WaitFor([&] { return !settings_.Find(org_)->lease_until; }))
      << "the stalled download was not cut off, or the lease not released when the run ended";
  peer.Finish();
  first.Stop();
  second.Stop();
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), log), sinks.end());
  EXPECT_EQ(peer.downloads(), 1);
  OperationPage page = log_.List(org_, {});
  ASSERT_EQ(page.items.size(), 1u) << "one run";
  EXPECT_EQ(page.items[0].status, "failed") << page.items[0].message;
  EXPECT_NE(page.items[0].message.find(
                "Загрузка файла прервана: его запуск перешёл к другому экземпляру сервера"),
            std::string::npos)
      << page.items[0].message;
  EXPECT_EQ(Count("clients"), 0) << "the run that lost its lease imported nothing more";
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

// A scheduled run answers nobody (ImportSettings::keep_results): the records are applied and
// counted as ever, the errors still listed, only the per-record results are left out.
TEST_F(SchedulerTest, ARunWithoutResultsAppliesCountsAndListsItsErrors) {
  const std::vector<nlohmann::json> records = {
      {{"client", {{"external_id", "C-1"}, {"last_name", "Петров"}, {"phone", "+79161234567"}}}},
      {{"client", {{"external_id", "C-2"}, {"last_name", "Иванова"}}}},
      {{"client", {{"external_id", "C-3"}, {"last_name", "Сидоров"}, {"phone", "12"}}}}};
  auto source = [&](const std::function<bool(size_t, nlohmann::json&)>& visit) {
    for (size_t i = 0; i < records.size(); ++i) {
      nlohmann::json record = records[i];
      if (!visit(i, record)) return;
    }
  };
  ImportSettings settings{"operations", "1c", false, records.size(), /*keep_results=*/false};
  ImportAnswer answer = engine_.Run(Actor{org_, std::nullopt, "1С"}, settings, source);
  EXPECT_EQ(answer.results, "[]");
  EXPECT_EQ(answer.summary["counts"]["created"], 2);
  EXPECT_EQ(answer.summary["counts"]["errors"], 1);
  EXPECT_EQ(answer.summary["status"], "failed");
  const nlohmann::json errors = nlohmann::json::parse(answer.errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["index"], 2);
  EXPECT_EQ(errors[0]["field"], "client.phone");
  EXPECT_EQ(Count("clients"), 2);

  settings.keep_results = true;
  settings.dry_run = true;
  answer = engine_.Run(Actor{org_, std::nullopt, "1С"}, settings, source);
  EXPECT_EQ(nlohmann::json::parse(answer.results).size(), 3u) << "an answered run lists them";
}

// A dry run keeps its transaction (and on SQLite the write lock) open to its end; its
// progress is shown from memory meanwhile, and dropped when it finishes.
TEST_F(SchedulerTest, ADryRunShowsItsProgressWhileRunning) {
  std::optional<Operation> seen_by_id;
  OperationPage seen_in_list;
  auto source = [&](const std::function<bool(size_t, nlohmann::json&)>& visit) {
    for (size_t i = 0; i < 1500; ++i) {
      if (i == 1200) {  // the first batch of 1,000 is through
        seen_in_list = log_.List(org_, {.status = "running"});
        if (!seen_in_list.items.empty())
          seen_by_id = log_.Find(org_, seen_in_list.items.front().id);
      }
      nlohmann::json record = {
          {"client", {{"external_id", "C-" + std::to_string(i)}, {"last_name", "Петров"}}}};
      if (!visit(i, record)) return;
    }
  };
  ImportSettings settings{"operations", "1c", /*dry_run=*/true, 1500};
  ImportAnswer answer = engine_.Run(Actor{org_, std::nullopt, "1С"}, settings, source);
  EXPECT_EQ(answer.summary["counts"]["created"], 1500);
  ASSERT_EQ(seen_in_list.items.size(), 1u);
  EXPECT_EQ(seen_in_list.items[0].counts["processed"], 1000);
  EXPECT_EQ(seen_in_list.items[0].counts["records"], 1500);
  ASSERT_TRUE(seen_by_id);
  EXPECT_EQ(seen_by_id->counts["processed"], 1000);
  EXPECT_EQ(seen_by_id->status, "running");
  const std::optional<Operation> done = log_.Find(org_, seen_by_id->id);
  EXPECT_EQ(done->status, "ok");
  EXPECT_EQ(done->counts["processed"], 1500) << "the finished operation's own counts";
  EXPECT_EQ(Count("clients"), 0) << "nothing written";
}
