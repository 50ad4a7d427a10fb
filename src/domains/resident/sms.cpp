#include "domains/resident/sms.hpp"

#include <fstream>
#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/time.hpp"
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
  db::Session sql(database_);
  const auto now = std::chrono::system_clock::now();
  const std::string now_iso = timeutil::ToIso(now);
  std::vector<long long> due;
  Sql select("SELECT id FROM sms_outbox WHERE status = 'pending' AND next_attempt_at <= ");
  select.Bind(now_iso) << " ORDER BY id LIMIT 50";
  db::ForEachRow(sql, select, [&](const Row& row) { due.push_back(row.Int(0)); });

  int attempted = 0;
  for (long long id : due) {
    // Claim the message: only the instance whose UPDATE matched sends it.
    Sql claim("UPDATE sms_outbox SET attempts = attempts + 1, next_attempt_at = ");
    claim.Bind(timeutil::ToIso(now + policy_.lease)) << " WHERE id = ";
    claim.Bind(id) << " AND status = 'pending' AND next_attempt_at <= ";
    claim.Bind(now_iso) << " RETURNING phone, text, attempts";
    std::optional<std::tuple<std::string, std::string, long long>> message;
    db::ForEachRow(sql, claim, [&](const Row& row) {
      message = std::make_tuple(row.Text(0), row.Text(1), row.Int(2));
    });
    if (!message) continue;
    ++attempted;
    const auto& [phone, text, attempts] = *message;
    std::string error;
    try {
      sender_->Send(phone, text);
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "send failed";
    }
    Sql update("UPDATE sms_outbox SET ");
    if (error.empty()) {
      update << "status = 'sent', error = NULL, sent_at = ";
      update.Bind(timeutil::NowIso()) << ", text = ";
      update.Bind(MaskDigits(text));
    } else if (attempts >= policy_.max_attempts) {
      spdlog::warn("SMS {} to {} failed for good after {} attempts: {}", id, phone, attempts,
                   error);
      update << "status = 'failed', error = ";
      update.Bind(error) << ", text = ";
      update.Bind(MaskDigits(text));
    } else {
      spdlog::warn("SMS {} to {} failed (attempt {}), will retry: {}", id, phone, attempts, error);
      update << "error = ";
      update.Bind(error) << ", next_attempt_at = ";
      update.Bind(timeutil::IsoAfter(policy_.backoff * attempts * attempts));
    }
    update << " WHERE id = ";
    update.Bind(id);
    db::Exec(sql, update);
  }
  return attempted;
}

}  // namespace upravdom::resident
