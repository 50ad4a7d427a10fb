// Report e-mails of the data exchange (SPEC I-7): the outbox table (mail_outbox), the
// sender (SMTP through libcurl, or the server log when no SMTP server is configured) and the
// background loop that delivers the outbox — the shape of resident::SmsDelivery. A run only
// queues its report; sending, retries with backoff and failures happen here, so a mail
// server that is down never fails an import.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/polling_thread.hpp"
#include "db/database.hpp"

namespace upravdom::exchange {

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port; empty: the log sender
  std::string user;
  std::string password;
  std::string from = "upravdom@localhost";
  bool starttls = false;  // require STARTTLS on smtp://
  long timeout_s = 30;
};

struct MailMessage {
  std::vector<std::string> to;
  std::string subject;  // UTF-8
  std::string body;     // UTF-8 plain text
};

// Delivers one message; throws std::exception when it could not (the loop retries).
class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual void Send(const MailMessage& message) = 0;
};

// Development: writes the message to the server log at info.
class LogMailSender : public MailSender {
 public:
  void Send(const MailMessage& message) override;
};

// SMTP with libcurl (login when a user is set; STARTTLS or smtps:// for TLS).
class SmtpMailSender : public MailSender {
 public:
  explicit SmtpMailSender(SmtpSettings settings) : settings_(std::move(settings)) {}
  void Send(const MailMessage& message) override;

 private:
  SmtpSettings settings_;
};

std::unique_ptr<MailSender> MakeMailSender(const SmtpSettings& settings);

// A header value in RFC 2047 encoded words when it is not plain ASCII ("=?UTF-8?B?…?="),
// folded so that no line is over 76 characters and no UTF-8 character is split.
std::string EncodeHeader(const std::string& utf8);
// The RFC 5322 message: headers (Date, From, To, Subject, Message-ID, MIME) and the body as
// UTF-8 text in base64 lines, CRLF line ends.
std::string BuildMessage(const std::string& from, const MailMessage& message,
                         std::chrono::system_clock::time_point date);

// Adds a pending message on the caller's session. `to` empty: nothing is queued.
void EnqueueMail(soci::session& sql, std::optional<long long> organization_id,
                 const MailMessage& message);

struct MailPolicy {
  int max_attempts = 5;
  std::chrono::seconds poll{5};
  std::chrono::seconds lease{120};   // a claimed message is not retried by others before this
  std::chrono::seconds backoff{30};  // after the n-th failure: backoff × n²
  bool background = true;            // false: no thread, the caller calls DeliverDue (tests)
};

// One background thread: sends due pending messages (claimed with a conditional UPDATE, so
// several instances over one PostgreSQL never send one twice), marks them `sent`, or
// retries and finally marks them `failed` (with the error, logged). Joins on destruction.
class MailDelivery {
 public:
  MailDelivery(db::Database& database, std::unique_ptr<MailSender> sender, MailPolicy policy = {});
  ~MailDelivery();
  MailDelivery(const MailDelivery&) = delete;
  MailDelivery& operator=(const MailDelivery&) = delete;

  void Wake();
  // Sends every due message once; returns how many were attempted.
  int DeliverDue();

 private:
  db::Database& database_;
  std::unique_ptr<MailSender> sender_;
  MailPolicy policy_;
  std::optional<PollingThread> loop_;  // last: stopped before the rest goes
};

// "a@b.ru, c@d.ru" ↔ the list (trimmed, empty items dropped).
std::vector<std::string> SplitList(const std::string& text);
std::string JoinList(const std::vector<std::string>& items);

}  // namespace upravdom::exchange
