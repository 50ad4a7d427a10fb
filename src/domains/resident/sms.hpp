// Text messages to residents: the outbox table (sms_outbox), the pluggable sender and the
// background loop that delivers what the outbox holds. A request only writes the message
// into the outbox (in its own transaction); delivery, retries and failures happen here.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/polling_thread.hpp"
#include "db/database.hpp"

namespace upravdom::resident {

// Delivers one message; throws std::exception when it could not (the loop retries).
class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual void Send(const std::string& phone, const std::string& text) = 0;
};

// Development: writes «SMS на +7…: <text>» to the server log at info.
class LogSmsSender : public SmsSender {
 public:
  void Send(const std::string& phone, const std::string& text) override;
};

// Tests and local tooling: appends one JSON line {"phone", "text", "sent_at"} per message to
// a file (--sms-sink / UPRAVDOM_SMS_SINK).
class FileSmsSender : public SmsSender {
 public:
  explicit FileSmsSender(std::string path) : path_(std::move(path)) {}
  void Send(const std::string& phone, const std::string& text) override;

 private:
  std::string path_;
  std::mutex mutex_;
};

// The file sender when `sink_path` is set, else the log sender.
std::unique_ptr<SmsSender> MakeSmsSender(const std::string& sink_path);

// Adds a pending message on the caller's session (so it commits with the caller's change).
void EnqueueSms(soci::session& sql, const std::string& phone, const std::string& text);

// The text with every digit masked: what the outbox keeps once a message is done with, so
// the table does not keep sign-in codes.
std::string MaskDigits(const std::string& text);

struct DeliveryPolicy {
  int max_attempts = 3;
  std::chrono::seconds poll{1};
  std::chrono::seconds lease{60};   // a claimed message is not retried by others before this
  std::chrono::seconds backoff{5};  // after the n-th failure: backoff × n²
  bool background = true;           // false: no thread, the caller calls DeliverDue (tests)
};

// One background thread: sends due pending messages (claimed with a conditional UPDATE, so
// several instances over one PostgreSQL never send a message twice), marks them `sent`, or
// retries and finally marks them `failed`. Stops (joins) on destruction.
class SmsDelivery {
 public:
  SmsDelivery(db::Database& database, std::unique_ptr<SmsSender> sender,
              DeliveryPolicy policy = {});
  ~SmsDelivery();
  SmsDelivery(const SmsDelivery&) = delete;
  SmsDelivery& operator=(const SmsDelivery&) = delete;

  // Wakes the loop now (a message was just queued) instead of at the next poll.
  void Wake();
  // Sends every due message once; returns how many were attempted (the loop's one step).
  int DeliverDue();

 private:
  db::Database& database_;
  std::unique_ptr<SmsSender> sender_;
  DeliveryPolicy policy_;
  std::optional<PollingThread> loop_;  // last: stopped before the rest goes
};

}  // namespace upravdom::resident
