#include "domains/exchange/settings_repository.hpp"

#include "core/time.hpp"
#include "db/sql.hpp"
#include "domains/exchange/mail.hpp"

namespace upravdom::exchange {

using db::Row;
using db::Sql;

std::optional<ExchangeSettings> SettingsRepository::Find(long long organization_id) {
  db::Session sql(database_);
  std::optional<ExchangeSettings> found;
  Sql select(
      "SELECT ftp_host, ftp_port, ftp_user, ftp_password_enc, ftp_passive, ftp_tls, method, "
      "report_emails, paths, delete_after_read, schedule_minute, schedule_hour, schedule_day, "
      "schedule_month, schedule_weekday, schedule_enabled, space, source, next_run_at, "
      "last_run_at, lease_until FROM exchange_settings WHERE organization_id = ");
  select.Bind(organization_id);
  db::ForEachRow(sql, select, [&](const Row& row) {
    ExchangeSettings s;
    s.organization_id = organization_id;
    s.ftp_host = row.Text(0);
    s.ftp_port = static_cast<int>(row.Int(1));
    s.ftp_user = row.Text(2);
    s.ftp_password_enc = row.OptText(3);
    s.ftp_passive = row.Bool(4);
    s.ftp_tls = row.Bool(5);
    s.method = row.Text(6);
    s.report_emails = SplitList(row.Text(7));
    s.paths = SplitList(row.Text(8));
    s.delete_after_read = row.Bool(9);
    s.schedule = {row.Text(10), row.Text(11), row.Text(12), row.Text(13), row.Text(14)};
    s.schedule_enabled = row.Bool(15);
    s.space = row.Text(16);
    s.source = row.Text(17);
    s.next_run_at = row.OptText(18);
    s.last_run_at = row.OptText(19);
    s.lease_until = row.OptText(20);
    found = std::move(s);
  });
  return found;
}

void SettingsRepository::Save(const ExchangeSettings& s, bool keep_next_run) {
  db::Session sql(database_);
  // One statement on both databases (SQLite ≥ 3.24 and PostgreSQL know ON CONFLICT).
  Sql upsert(
      "INSERT INTO exchange_settings (organization_id, ftp_host, ftp_port, ftp_user, "
      "ftp_password_enc, ftp_passive, ftp_tls, method, report_emails, paths, delete_after_read, "
      "schedule_minute, schedule_hour, schedule_day, schedule_month, schedule_weekday, "
      "schedule_enabled, space, source, next_run_at, updated_at) VALUES (");
  upsert.Bind(s.organization_id) << ", ";
  upsert.Bind(s.ftp_host) << ", ";
  upsert.Bind(s.ftp_port) << ", ";
  upsert.Bind(s.ftp_user) << ", ";
  upsert.Bind(s.ftp_password_enc) << ", ";
  upsert.Bind(s.ftp_passive) << ", ";
  upsert.Bind(s.ftp_tls) << ", ";
  upsert.Bind(s.method) << ", ";
  upsert.Bind(JoinList(s.report_emails)) << ", ";
  upsert.Bind(JoinList(s.paths)) << ", ";
  upsert.Bind(s.delete_after_read) << ", ";
  upsert.Bind(s.schedule.minute) << ", ";
  upsert.Bind(s.schedule.hour) << ", ";
  upsert.Bind(s.schedule.day) << ", ";
  upsert.Bind(s.schedule.month) << ", ";
  upsert.Bind(s.schedule.weekday) << ", ";
  upsert.Bind(s.schedule_enabled) << ", ";
  upsert.Bind(s.space) << ", ";
  upsert.Bind(s.source) << ", ";
  upsert.Bind(s.next_run_at) << ", ";
  upsert.Bind(timeutil::NowIso()) << ")";
  upsert << " ON CONFLICT (organization_id) DO UPDATE SET ftp_host = excluded.ftp_host, "
            "ftp_port = excluded.ftp_port, ftp_user = excluded.ftp_user, "
            "ftp_password_enc = excluded.ftp_password_enc, ftp_passive = excluded.ftp_passive, "
            "ftp_tls = excluded.ftp_tls, method = excluded.method, "
            "report_emails = excluded.report_emails, paths = excluded.paths, "
            "delete_after_read = excluded.delete_after_read, "
            "schedule_minute = excluded.schedule_minute, schedule_hour = excluded.schedule_hour, "
            "schedule_day = excluded.schedule_day, schedule_month = excluded.schedule_month, "
            "schedule_weekday = excluded.schedule_weekday, "
            "schedule_enabled = excluded.schedule_enabled, space = excluded.space, "
            "source = excluded.source, "
         << (keep_next_run ? "" : "next_run_at = excluded.next_run_at, ")
         << "updated_at = excluded.updated_at";
  db::Exec(sql, upsert);
}

std::vector<DueSlot> SettingsRepository::ListDue(const std::string& now) {
  db::Session sql(database_);
  std::vector<DueSlot> due;
  Sql select(
      "SELECT organization_id, schedule_minute, schedule_hour, schedule_day, schedule_month, "
      "schedule_weekday, next_run_at FROM exchange_settings WHERE schedule_enabled = 1 AND "
      "next_run_at IS NOT NULL AND next_run_at <= ");
  select.Bind(now) << " ORDER BY next_run_at";
  db::ForEachRow(sql, select, [&](const Row& row) {
    due.push_back({row.Int(0),
                   {row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5)},
                   row.Text(6)});
  });
  return due;
}

bool SettingsRepository::ClaimSlot(long long organization_id, const std::string& seen_next_run_at,
                                   const std::optional<std::string>& next_run_at,
                                   const std::string& owner, const std::string& lease_until,
                                   const std::string& now) {
  db::Session sql(database_);
  Sql claim("UPDATE exchange_settings SET next_run_at = ");
  claim.Bind(next_run_at) << ", lease_owner = ";
  claim.Bind(owner) << ", lease_until = ";
  claim.Bind(lease_until) << " WHERE organization_id = ";
  claim.Bind(organization_id) << " AND schedule_enabled = 1 AND next_run_at = ";
  claim.Bind(seen_next_run_at) << " AND (lease_until IS NULL OR lease_until < ";
  claim.Bind(now) << ") RETURNING organization_id";
  return db::QueryInt(sql, claim).has_value();
}

bool SettingsRepository::ClaimRunNow(long long organization_id, const std::string& owner,
                                     const std::string& lease_until, const std::string& now) {
  db::Session sql(database_);
  Sql claim("UPDATE exchange_settings SET lease_owner = ");
  claim.Bind(owner) << ", lease_until = ";
  claim.Bind(lease_until) << " WHERE organization_id = ";
  claim.Bind(organization_id) << " AND (lease_until IS NULL OR lease_until < ";
  claim.Bind(now) << ") RETURNING organization_id";
  return db::QueryInt(sql, claim).has_value();
}

bool SettingsRepository::RenewLease(long long organization_id, const std::string& owner,
                                    const std::string& lease_until) {
  db::Session sql(database_);
  Sql renew("UPDATE exchange_settings SET lease_until = ");
  renew.Bind(lease_until) << " WHERE organization_id = ";
  renew.Bind(organization_id) << " AND lease_owner = ";
  renew.Bind(owner) << " RETURNING organization_id";
  return db::QueryInt(sql, renew).has_value();
}

void SettingsRepository::Release(long long organization_id, const std::string& owner,
                                 const std::string& last_run_at) {
  db::Session sql(database_);
  Sql release(
      "UPDATE exchange_settings SET lease_owner = NULL, lease_until = NULL, last_run_at = ");
  release.Bind(last_run_at) << " WHERE organization_id = ";
  release.Bind(organization_id) << " AND lease_owner = ";
  release.Bind(owner);
  db::Exec(sql, release);
}

void SettingsRepository::ClearAllLeases() {
  db::Session sql(database_);
  db::Exec(sql, Sql("UPDATE exchange_settings SET lease_owner = NULL, lease_until = NULL WHERE "
                    "lease_owner IS NOT NULL"));
}

std::string SettingsRepository::OrganizationName(long long organization_id) {
  db::Session sql(database_);
  Sql select("SELECT name FROM organizations WHERE id = ");
  select.Bind(organization_id);
  return db::QueryText(sql, select).value_or("");
}

}  // namespace upravdom::exchange
