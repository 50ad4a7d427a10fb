// SQL of the exchange settings (table exchange_settings, one row per organisation) and of
// the scheduler's bookkeeping on that row: the due slot, the lease that makes one instance
// run a slot (a conditional UPDATE, the same on SQLite and PostgreSQL), the last run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "domains/exchange/schedule.hpp"

namespace upravdom::exchange {

struct ExchangeSettings {
  long long organization_id = 0;
  // «Общие настройки»
  std::string ftp_host;
  int ftp_port = 21;
  std::string ftp_user;
  std::optional<std::string> ftp_password_enc;  // sealed (core/secret_box.hpp)
  bool ftp_passive = true;
  bool ftp_tls = false;
  // «Импорт»
  std::string method = "links";
  std::vector<std::string> report_emails;
  std::vector<std::string> paths;
  bool delete_after_read = false;
  ScheduleFields schedule;
  bool schedule_enabled = false;
  std::string space = "operations";
  std::string source = "xml";
  // Bookkeeping (ISO UTC)
  std::optional<std::string> next_run_at;
  std::optional<std::string> last_run_at;
  std::optional<std::string> lease_until;
};

// A schedule whose slot is due.
struct DueSlot {
  long long organization_id = 0;
  ScheduleFields schedule;
  std::string next_run_at;
};

class SettingsRepository {
 public:
  explicit SettingsRepository(db::Database& database) : database_(database) {}

  std::optional<ExchangeSettings> Find(long long organization_id);
  // Inserts or updates the settings; the bookkeeping columns except next_run_at are kept.
  // `keep_next_run`: an existing row keeps its next_run_at (the schedule did not change; the
  // scheduler may have just moved it past a slot it claimed).
  void Save(const ExchangeSettings& settings, bool keep_next_run = false);

  // Enabled schedules with next_run_at ≤ now.
  std::vector<DueSlot> ListDue(const std::string& now);
  // Claims the due slot `seen_next_run_at` for `owner` until `lease_until`, moving
  // next_run_at to `next_run_at` in the same UPDATE: true for exactly one instance.
  bool ClaimSlot(long long organization_id, const std::string& seen_next_run_at,
                 const std::optional<std::string>& next_run_at, const std::string& owner,
                 const std::string& lease_until, const std::string& now);
  // Claims the organisation's row for a run now: false while another run holds the lease.
  bool ClaimRunNow(long long organization_id, const std::string& owner,
                   const std::string& lease_until, const std::string& now);
  // Moves the owner's lease to `lease_until`: false when the owner no longer holds it (it ran
  // out and another instance or a run now took it, or it was released).
  bool RenewLease(long long organization_id, const std::string& owner,
                  const std::string& lease_until);
  // Ends the owner's lease and records the run.
  void Release(long long organization_id, const std::string& owner, const std::string& last_run_at);
  // SQLite at start-up: one server owns the file, so every lease left is a dead run's.
  void ClearAllLeases();

  std::string OrganizationName(long long organization_id);

 private:
  db::Database& database_;
};

}  // namespace upravdom::exchange
