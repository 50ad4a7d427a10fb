#include "db/outbox.hpp"

#include "core/time.hpp"

namespace upravdom::db {

std::vector<long long> DueOutboxMessages(soci::session& sql, const std::string& table,
                                         std::chrono::system_clock::time_point now, int batch) {
  std::vector<long long> due;
  Sql select("SELECT id FROM " + table + " WHERE status = 'pending' AND next_attempt_at <= ");
  select.Bind(timeutil::ToIso(now)) << " ORDER BY id LIMIT ";
  select.Bind(static_cast<long long>(batch));
  ForEachRow(sql, select, [&](const Row& row) { due.push_back(row.Int(0)); });
  return due;
}

bool ClaimOutboxMessage(soci::session& sql, const std::string& table, const std::string& columns,
                        long long id, std::chrono::system_clock::time_point now,
                        const OutboxPolicy& policy,
                        const std::function<void(long long attempts, const Row&)>& read) {
  Sql claim("UPDATE " + table + " SET attempts = attempts + 1, next_attempt_at = ");
  claim.Bind(timeutil::ToIso(now + policy.lease)) << " WHERE id = ";
  claim.Bind(id) << " AND status = 'pending' AND next_attempt_at <= ";
  claim.Bind(timeutil::ToIso(now)) << " RETURNING attempts, " << columns;
  bool claimed = false;
  ForEachRow(sql, claim, [&](const Row& row) {
    claimed = true;
    read(row.Int(0), row);
  });
  return claimed;
}

void FinishOutboxMessage(soci::session& sql, const std::string& table, long long id,
                         long long attempts, const std::string& error, const OutboxPolicy& policy,
                         const std::function<void(Sql& update)>& done) {
  Sql update("UPDATE " + table + " SET ");
  if (error.empty()) {
    update << "status = 'sent', error = NULL, sent_at = ";
    update.Bind(timeutil::NowIso());
    done(update);
  } else if (attempts >= policy.max_attempts) {
    update << "status = 'failed', error = ";
    update.Bind(error);
    done(update);
  } else {
    update << "error = ";
    update.Bind(error) << ", next_attempt_at = ";
    update.Bind(timeutil::IsoAfter(policy.backoff * attempts * attempts));
  }
  update << " WHERE id = ";
  update.Bind(id);
  Exec(sql, update);
}

}  // namespace upravdom::db
