#include "domains/exchange/mail.hpp"

#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "db/migrations.hpp"
#include "db/sql.hpp"
#include "db/test_database.hpp"

using namespace upravdom;
using namespace upravdom::exchange;

namespace {

std::string FromBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t length = 0;
  EXPECT_EQ(
      sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), "\r\n", &length, nullptr, sodium_base64_VARIANT_ORIGINAL),
      0);
  out.resize(length);
  return out;
}

// Fails its first `failures` sends, then records what it sends.
class RecordingSender : public MailSender {
 public:
  RecordingSender(int failures, std::vector<MailMessage>& sent)
      : failures_(failures), sent_(sent) {}
  void Send(const MailMessage& message) override {
    if (failures_-- > 0) throw std::runtime_error("SMTP: connection refused");
    sent_.push_back(message);
  }

 private:
  int failures_;
  std::vector<MailMessage>& sent_;
};

class MailDeliveryTest : public ::testing::Test {
 protected:
  MailDeliveryTest() : database_(file_.url(), 1) { db::ApplyMigrations(database_); }

  std::tuple<std::string, long long, std::string> Row() {
    db::Session sql(database_);
    std::tuple<std::string, long long, std::string> row;
    db::ForEachRow(sql, db::Sql("SELECT status, attempts, COALESCE(error, '') FROM mail_outbox"),
                   [&](const db::Row& r) {
                     row = {r.Text(0), r.Int(1), r.Text(2)};
                   });
    return row;
  }
  void Enqueue() {
    db::Session sql(database_);
    EnqueueMail(sql, std::nullopt,
                {{"ops@example.ru", "boss@example.ru"}, "Импорт выполнен: OK", "Файл: OK"});
  }

  db::TestDatabaseFile file_;
  db::Database database_;
  std::vector<MailMessage> sent_;
};

}  // namespace

TEST(Mail, SplitAndJoinLists) {
  EXPECT_EQ(SplitList(" a@b.ru, ,c@d.ru ,"), (std::vector<std::string>{"a@b.ru", "c@d.ru"}));
  EXPECT_TRUE(SplitList("").empty());
  EXPECT_EQ(JoinList({"a@b.ru", "c@d.ru"}), "a@b.ru, c@d.ru");
}

TEST(Mail, AsciiHeadersStayPlainRussianOnesAreEncodedWords) {
  EXPECT_EQ(EncodeHeader("Import: OK"), "Import: OK");
  const std::string subject = "Импорт выполнен: OK";
  std::string encoded = EncodeHeader(subject);
  ASSERT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u) << encoded;
  EXPECT_EQ(FromBase64(encoded.substr(10, encoded.size() - 12)), subject);
  // A long subject is folded into several words, none splitting a character.
  std::string longer;
  for (int i = 0; i < 10; ++i) longer += "Ошибки импорта ";
  std::string folded = EncodeHeader(longer);
  std::string decoded;
  size_t start = 0;
  while ((start = folded.find("=?UTF-8?B?", start)) != std::string::npos) {
    size_t end = folded.find("?=", start + 10);
    std::string word = FromBase64(folded.substr(start + 10, end - start - 10));
    EXPECT_LE(word.size(), 45u);
    EXPECT_NE(static_cast<unsigned char>(word[0]) & 0xC0, 0x80u) << "starts mid-character";
    decoded += word;
    start = end;
  }
  EXPECT_EQ(decoded, longer);
  for (size_t line = 0, next; line < folded.size(); line = next + 2) {
    next = folded.find("\r\n", line);
    if (next == std::string::npos) next = folded.size();
    EXPECT_LE(next - line, 76u);
  }
}

TEST(Mail, MessageHasHeadersAndABase64Utf8Body) {
  MailMessage message{{"a@b.ru", "c@d.ru"}, "Импорт выполнен: OK", "Строка 1\nСтрока 2"};
  std::string text = BuildMessage("CRM <crm@example.ru>", message,
                                  std::chrono::sys_days(std::chrono::year{2026} / 11 / 27));
  EXPECT_NE(text.find("Date: Fri, 27 Nov 2026 00:00:00 +0000\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("From: CRM <crm@example.ru>\r\n"), std::string::npos);
  EXPECT_NE(text.find("To: a@b.ru, c@d.ru\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(text.find("@example.ru>\r\n"), std::string::npos)
      << "Message-ID on the sender's domain";
  EXPECT_NE(text.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  std::string russian = BuildMessage("УК Альфа <crm@example.ru>", message, {});
  EXPECT_NE(russian.find("From: =?UTF-8?B?"), std::string::npos) << russian;
  EXPECT_NE(russian.find("?= <crm@example.ru>\r\n"), std::string::npos) << russian;
  size_t body = text.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(FromBase64(text.substr(body + 4)), "Строка 1\r\nСтрока 2");
}

TEST(Mail, SmtpToAClosedPortIsAnError) {
  // A port that was free a moment ago: nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  ::close(fd);
  SmtpMailSender sender({.url = "smtp://127.0.0.1:" + std::to_string(port), .timeout_s = 5});
  try {
    sender.Send({{"a@b.ru"}, "Тест", "Тело"});
    FAIL() << "sent to a closed port";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("SMTP: ", 0), 0u) << e.what();
  }
}

TEST_F(MailDeliveryTest, SendsAQueuedMessage) {
  MailDelivery delivery(database_, std::make_unique<RecordingSender>(0, sent_),
                        {.background = false});
  Enqueue();
  EXPECT_EQ(delivery.DeliverDue(), 1);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to, (std::vector<std::string>{"ops@example.ru", "boss@example.ru"}));
  EXPECT_EQ(sent_[0].subject, "Импорт выполнен: OK");
  EXPECT_EQ(std::get<0>(Row()), "sent");
  EXPECT_EQ(delivery.DeliverDue(), 0);
}

TEST_F(MailDeliveryTest, NoRecipientsNothingQueued) {
  db::Session sql(database_);
  EnqueueMail(sql, std::nullopt, {{}, "x", "y"});
  EXPECT_EQ(db::QueryInt(sql, db::Sql("SELECT COUNT(*) FROM mail_outbox")), 0);
}

TEST_F(MailDeliveryTest, RetriesWithBackoffAndGivesUpLoggingTheError) {
  MailDelivery delivery(
      database_, std::make_unique<RecordingSender>(100, sent_),
      {.max_attempts = 3, .backoff = std::chrono::seconds(0), .background = false});
  Enqueue();
  EXPECT_EQ(delivery.DeliverDue(), 1);
  EXPECT_EQ(Row(),
            std::make_tuple(std::string("pending"), 1LL, std::string("SMTP: connection refused")));
  delivery.DeliverDue();
  delivery.DeliverDue();
  EXPECT_EQ(std::get<0>(Row()), "failed");
  EXPECT_EQ(std::get<1>(Row()), 3);
  EXPECT_EQ(delivery.DeliverDue(), 0);
}

TEST_F(MailDeliveryTest, ABackoffDelaysTheRetry) {
  MailDelivery delivery(database_, std::make_unique<RecordingSender>(1, sent_),
                        {.backoff = std::chrono::seconds(60), .background = false});
  Enqueue();
  EXPECT_EQ(delivery.DeliverDue(), 1);
  EXPECT_EQ(delivery.DeliverDue(), 0) << "not before the backoff";
  EXPECT_TRUE(sent_.empty());
}
