#include "domains/resident/sms.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "db/migrations.hpp"
#include "db/sql.hpp"

using namespace upravdom;
using namespace upravdom::resident;

namespace {

// Fails its first `failures` sends, then records what it sends.
class FakeSender : public SmsSender {
 public:
  explicit FakeSender(int failures, std::vector<std::string>& sent)
      : failures_(failures), sent_(sent) {}
  void Send(const std::string& phone, const std::string& text) override {
    if (failures_-- > 0) throw std::runtime_error("gateway down");
    sent_.push_back(phone + " " + text);
  }

 private:
  int failures_;
  std::vector<std::string>& sent_;
};

class SmsDeliveryTest : public ::testing::Test {
 protected:
  SmsDeliveryTest()
      : path_(std::filesystem::temp_directory_path() /
              ("upravdom-sms-test-" + std::to_string(::getpid()) + ".db")),
        database_("sqlite:" + path_.string(), 1) {
    db::ApplyMigrations(database_);
  }
  ~SmsDeliveryTest() override {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  std::tuple<std::string, long long, std::string> Row() {
    db::Session sql(database_);
    std::tuple<std::string, long long, std::string> row;
    db::ForEachRow(sql, db::Sql("SELECT status, attempts, text FROM sms_outbox"),
                   [&](const db::Row& r) {
                     row = {r.Text(0), r.Int(1), r.Text(2)};
                   });
    return row;
  }

  void Enqueue() {
    db::Session sql(database_);
    EnqueueSms(sql, "+79161234567", "Код: 123456");
  }

  std::filesystem::path path_;
  db::Database database_;
  std::vector<std::string> sent_;
};

}  // namespace

TEST(Sms, MaskDigits) {
  EXPECT_EQ(MaskDigits("Код: 123456."), "Код: ******.");
}

TEST(Sms, FileSenderAppendsJsonLines) {
  auto path = std::filesystem::temp_directory_path() /
              ("upravdom-sms-sink-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  FileSmsSender sender(path.string());
  sender.Send("+79161234567", "Код: 1");
  sender.Send("+79161234568", "Код: 2");
  std::ifstream in(path);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_NE(first.find("\"phone\":\"+79161234567\""), std::string::npos) << first;
  EXPECT_NE(second.find("\"phone\":\"+79161234568\""), std::string::npos) << second;
  std::filesystem::remove(path);
}

TEST_F(SmsDeliveryTest, SendsAndMasksTheText) {
  SmsDelivery delivery(database_, std::make_unique<FakeSender>(0, sent_), {.background = false});
  Enqueue();
  EXPECT_EQ(delivery.DeliverDue(), 1);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0], "+79161234567 Код: 123456");
  EXPECT_EQ(Row(), std::make_tuple(std::string("sent"), 1LL, std::string("Код: ******")));
  EXPECT_EQ(delivery.DeliverDue(), 0);  // nothing left
}

TEST_F(SmsDeliveryTest, RetriesThenSends) {
  SmsDelivery delivery(database_, std::make_unique<FakeSender>(1, sent_),
                       {.backoff = std::chrono::seconds(0), .background = false});
  Enqueue();
  EXPECT_EQ(delivery.DeliverDue(), 1);
  EXPECT_EQ(std::get<0>(Row()), "pending");
  EXPECT_EQ(delivery.DeliverDue(), 1);
  EXPECT_EQ(std::get<0>(Row()), "sent");
  EXPECT_EQ(std::get<1>(Row()), 2);
}

TEST_F(SmsDeliveryTest, GivesUpAfterMaxAttempts) {
  SmsDelivery delivery(
      database_, std::make_unique<FakeSender>(100, sent_),
      {.max_attempts = 2, .backoff = std::chrono::seconds(0), .background = false});
  Enqueue();
  delivery.DeliverDue();
  delivery.DeliverDue();
  EXPECT_EQ(Row(), std::make_tuple(std::string("failed"), 2LL, std::string("Код: ******")));
  EXPECT_EQ(delivery.DeliverDue(), 0);
  EXPECT_TRUE(sent_.empty());
}

TEST_F(SmsDeliveryTest, ABackoffDelaysTheRetry) {
  SmsDelivery delivery(database_, std::make_unique<FakeSender>(1, sent_), {.background = false});
  Enqueue();
  EXPECT_EQ(delivery.DeliverDue(), 1);
  EXPECT_EQ(delivery.DeliverDue(), 0);  // the retry waits 5 s
  EXPECT_EQ(std::get<0>(Row()), "pending");
}
