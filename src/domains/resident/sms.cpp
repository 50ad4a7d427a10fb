#include "domains/resident/sms.hpp"

#include <fstream>
#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "db/outbox.hpp"
#include "db/sql.hpp"

namespace upravdom::resident {

using db::Row;
using db::Sql;

void LogSmsSender::Send(const std::string& phone, const std::string& text) {
  spdlog::info("SMS на {}: {}", phone, text);
}

void FileSmsSender::Send(const std::string& phone, const std::string& text) {
  const std::string line =
      nlohmann::json{{"phone", phone}, {"text", text}, {"sent_at", timeutil::NowIso()}}.dump() +
      "\n";
  std::lock_guard lock(mutex_);
  std::ofstream out(path_, std::ios::app | std::ios::binary);
  out << line;
  out.flush();
  if (!out) throw std::runtime_error("cannot append to the SMS sink file " + path_);
}

std::unique_ptr<SmsSender> MakeSmsSender(const std::string& sink_path) {
  if (sink_path.empty()) return std::make_unique<LogSmsSender>();
  return std::make_unique<FileSmsSender>(sink_path);
}

void EnqueueSms(soci::session& sql, const std::string& phone, const std::string& text) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO sms_outbox (phone, text, status, attempts, next_attempt_at, created_at) "
      "VALUES (");
  insert.Bind(phone) << ", ";
  insert.Bind(text) << ", 'pending', 0, ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ")";
  db::Exec(sql, insert);
}

std::string MaskDigits(const std::string& text) {
  std::string masked;
  for (char c : text) masked += (c >= '0' && c <= '9') ? '*' : c;
  return masked;
}

SmsDelivery::SmsDelivery(db::Database& database, std::unique_ptr<SmsSender> sender,
                         DeliveryPolicy policy)
    : database_(database), sender_(std::move(sender)), policy_(policy) {
  if (policy_.background) loop_.emplace("SMS delivery", policy_.poll, [this] { DeliverDue(); });
}

SmsDelivery::~SmsDelivery() = default;

void SmsDelivery::Wake() {
  if (loop_) loop_->Wake();
}

int SmsDelivery::DeliverDue() {
  struct Sms {
    std::string phone, text;
  };
  db::Session sql(database_);
  return db::DeliverDueMessages<Sms>(
      sql, "sms_outbox", "phone, text",
      {.max_attempts = policy_.max_attempts,
       .lease = policy_.lease,
       .backoff = policy_.backoff,
       .batch = 50},
      {.read =
           [](const Row& row) {
             return Sms{row.Text(1), row.Text(2)};
           },
       .send =
           [this](const Sms& sms) {
             sender_->Send(sms.phone, sms.text);
             return std::string();
           },
       .failed =
           [](long long id, const Sms& sms, long long attempts, const std::string& error,
              bool final) {
             if (final)
               spdlog::warn("SMS {} to {} failed for good after {} attempts: {}", id, sms.phone,
                            attempts, error);
             else
               spdlog::warn("SMS {} to {} failed (attempt {}), will retry: {}", id, sms.phone,
                            attempts, error);
           },
       // The outbox does not keep sign-in codes once a message is done with.
       .done =
           [](const Sms& sms, Sql& update) {
             update << ", text = ";
             update.Bind(MaskDigits(sms.text));
           }});
}

}  // namespace upravdom::resident
