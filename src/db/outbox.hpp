// The delivery step shared by the outboxes (the resident app's SMS, the exchange report
// e-mails): a table of messages with `id`, `status` ('pending', 'sent', 'failed'),
// `attempts`, `next_attempt_at`, `error`, `sent_at`, filled in the transaction of the change
// that sends them and drained by a background thread.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/sql.hpp"

namespace upravdom::db {

struct OutboxPolicy {
  int max_attempts = 3;
  std::chrono::seconds lease{60};   // a claimed message is not retried by others before this
  std::chrono::seconds backoff{5};  // after the n-th failure: backoff × n²
  int batch = 50;                   // messages looked at in one step
};

// The ids of the due pending messages, oldest first.
std::vector<long long> DueOutboxMessages(soci::session& sql, const std::string& table,
                                         std::chrono::system_clock::time_point now, int batch);
// Claims one (attempts + 1, no other attempt before the lease ends) with a conditional
// UPDATE, so of several instances over one PostgreSQL only one sends it; `read` gets the
// attempt's number and the row of `columns`. False when another instance had claimed it.
bool ClaimOutboxMessage(soci::session& sql, const std::string& table, const std::string& columns,
                        long long id, std::chrono::system_clock::time_point now,
                        const OutboxPolicy& policy,
                        const std::function<void(long long attempts, const Row&)>& read);
// Ends an attempt: `sent` (no error), retried after the backoff, or `failed` after
// max_attempts; `done` may add columns to the UPDATE of a message that is sent or failed
// for good (after "SET status = …").
void FinishOutboxMessage(soci::session& sql, const std::string& table, long long id,
                         long long attempts, const std::string& error, const OutboxPolicy& policy,
                         const std::function<void(Sql& update)>& done);

// How one outbox reads, sends and ends its messages.
template <class Message>
struct OutboxHandlers {
  std::function<Message(const Row&)> read;  // the claimed columns
  // Throws (or returns a non-empty error) when the message could not be sent.
  std::function<std::string(const Message&)> send;
  // Logs a failed attempt (`final`: no retry left).
  std::function<void(long long id, const Message&, long long attempts, const std::string& error,
                     bool final)>
      failed;
  std::function<void(const Message&, Sql& update)> done;  // optional, see FinishOutboxMessage
};

// Sends the due messages of `table` once, each claimed first, sent outside any statement
// (a send may take seconds), then ended. Returns how many were attempted.
template <class Message>
int DeliverDueMessages(soci::session& sql, const std::string& table, const std::string& columns,
                       const OutboxPolicy& policy, const OutboxHandlers<Message>& handlers) {
  const auto now = std::chrono::system_clock::now();
  int attempted = 0;
  for (long long id : DueOutboxMessages(sql, table, now, policy.batch)) {
    std::optional<Message> message;
    long long attempts = 0;
    if (!ClaimOutboxMessage(sql, table, columns, id, now, policy, [&](long long n, const Row& row) {
          attempts = n;
          message = handlers.read(row);
        }))
      continue;
    ++attempted;
    std::string error;
    try {
      error = handlers.send(*message);
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "send failed";
    }
    if (!error.empty() && handlers.failed)
      handlers.failed(id, *message, attempts, error, attempts >= policy.max_attempts);
    FinishOutboxMessage(sql, table, id, attempts, error, policy, [&](Sql& update) {
      if (handlers.done) handlers.done(*message, update);
    });
  }
  return attempted;
}

}  // namespace upravdom::db
