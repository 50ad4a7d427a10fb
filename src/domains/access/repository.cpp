#include "domains/access/repository.hpp"

#include "core/time.hpp"
#include "db/sql.hpp"

namespace upravdom::access {

using db::Row;
using db::Sql;

long long AccessRepository::InsertOrganization(const std::string& name) {
  db::Session sql(database_);
  const std::string now = timeutil::NowIso();
  Sql insert("INSERT INTO organizations (name, created_at, updated_at) VALUES (");
  insert.Bind(name) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql, insert);
}

std::optional<std::string> AccessRepository::OrganizationName(long long organization_id) {
  db::Session sql(database_);
  return db::QueryText(sql,
                       Sql("SELECT name FROM organizations WHERE id = ").Bind(organization_id));
}

std::optional<long long> AccessRepository::FindOrganizationByName(const std::string& name) {
  db::Session sql(database_);
  return db::QueryInt(sql, Sql("SELECT id FROM organizations WHERE name = ").Bind(name)
                               << " ORDER BY id LIMIT 1");
}

namespace {

long long InsertUserRow(soci::session& sql, long long organization_id, const std::string& login,
                        const std::string& full_name, const std::string& password_hash,
                        const std::string& role) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO users (organization_id, login, full_name, password_hash, role, created_at, "
      "updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(login) << ", ";
  insert.Bind(full_name) << ", ";
  insert.Bind(password_hash) << ", ";
  insert.Bind(role) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return db::InsertReturningId(sql, insert);
}

ApiTokenRecord InsertApiTokenRow(soci::session& sql, long long organization_id,
                                 const std::string& name, const std::string& token_digest) {
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO api_tokens (organization_id, name, token_hash, created_at, updated_at) "
      "VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(name) << ", ";
  insert.Bind(token_digest) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") RETURNING id";
  return {db::InsertReturningId(sql, insert), organization_id, name, now};
}

}  // namespace

long long AccessRepository::InsertUser(long long organization_id, const std::string& login,
                                       const std::string& full_name,
                                       const std::string& password_hash, const std::string& role) {
  db::Session sql(database_);
  return InsertUserRow(sql, organization_id, login, full_name, password_hash, role);
}

namespace {

constexpr const char* kUserColumns =
    "SELECT u.id, u.organization_id, u.login, u.full_name, u.password_hash, u.role, o.name, "
    "u.blocked_at, u.created_at FROM users u JOIN organizations o ON o.id = u.organization_id "
    "WHERE ";

UserRecord UserOfRow(const Row& row) {
  return UserRecord{row.Int(0),  row.Int(1),  row.Text(2),    row.Text(3), row.Text(4),
                    row.Text(5), row.Text(6), row.OptText(7), row.Text(8)};
}

std::optional<UserRecord> ReadUser(soci::session& sql, const Sql& query) {
  std::optional<UserRecord> user;
  db::ForEachRow(sql, query, [&](const Row& row) { user = UserOfRow(row); });
  return user;
}

}  // namespace

std::optional<UserRecord> AccessRepository::FindUserByLogin(const std::string& login) {
  db::Session sql(database_);
  Sql query(kUserColumns);
  query << "u.login = ";
  query.Bind(login);
  return ReadUser(sql, query);
}

std::optional<UserRecord> AccessRepository::FindUser(long long user_id) {
  db::Session sql(database_);
  Sql query(kUserColumns);
  query << "u.id = ";
  query.Bind(user_id);
  return ReadUser(sql, query);
}

std::vector<UserRecord> AccessRepository::ListUsers(long long organization_id) {
  db::Session sql(database_);
  Sql query(kUserColumns);
  query << "u.organization_id = ";
  query.Bind(organization_id) << " ORDER BY u.full_name, u.id";
  std::vector<UserRecord> users;
  db::ForEachRow(sql, query, [&](const Row& row) { users.push_back(UserOfRow(row)); });
  return users;
}

long long AccessRepository::AddUser(const Actor& admin, const std::string& login,
                                    const std::string& full_name, const std::string& password_hash,
                                    const std::string& role) {
  db::Session sql(database_);
  db::WriteTransaction tx(sql, database_.dialect());
  const long long id =
      InsertUserRow(sql, admin.organization_id, login, full_name, password_hash, role);
  history::HistoryRepository(sql).Record(
      admin, "user", id, "created",
      history::Diff(nlohmann::json::object(),
                    {{"login", login}, {"full_name", full_name}, {"role", role}}, {}));
  tx.Commit();
  return id;
}

std::vector<history::Entry> AccessRepository::UserHistory(long long organization_id,
                                                          long long user_id, long long limit,
                                                          long long offset, long long& total) {
  db::Session sql(database_);
  return history::HistoryRepository(sql).List(organization_id, "user", user_id, limit, offset,
                                              total);
}

bool AccessRepository::UpdateUser(const Actor& admin, long long user_id, const UserChange& change,
                                  const nlohmann::json& changes) {
  const long long organization_id = admin.organization_id;
  db::Session sql(database_);
  db::WriteTransaction tx(sql, database_.dialect());
  const std::string now = timeutil::NowIso();
  Sql update("UPDATE users SET updated_at = ");
  update.Bind(now);
  if (change.full_name) (update << ", full_name = ").Bind(*change.full_name);
  if (change.role) (update << ", role = ").Bind(*change.role);
  if (change.password_hash) (update << ", password_hash = ").Bind(*change.password_hash);
  if (change.blocked && *change.blocked)
    (update << ", blocked_at = COALESCE(blocked_at, ").Bind(now) << ")";  // keeps the first date
  if (change.blocked && !*change.blocked) update << ", blocked_at = NULL";
  update << " WHERE organization_id = ";
  update.Bind(organization_id) << " AND id = ";
  update.Bind(user_id) << " RETURNING id";
  if (!db::QueryInt(sql, update)) return false;
  if (!changes.empty())
    history::HistoryRepository(sql).Record(admin, "user", user_id, "updated", changes);
  tx.Commit();
  return true;
}

void AccessRepository::DeleteSessionsOfUser(long long user_id, const std::string& keep_digest) {
  db::Session sql(database_);
  Sql remove("DELETE FROM sessions WHERE user_id = ");
  remove.Bind(user_id);
  if (!keep_digest.empty()) (remove << " AND token_hash <> ").Bind(keep_digest);
  db::Exec(sql, remove);
}

bool AccessRepository::InsertSession(const UserRecord& user, const std::string& token_digest,
                                     const std::string& csrf_token, const std::string& expires_at) {
  db::Session sql(database_);
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO sessions (organization_id, user_id, token_hash, csrf_token, expires_at, "
      "created_at, updated_at) SELECT organization_id, id, ");
  insert.Bind(token_digest) << ", ";
  insert.Bind(csrf_token) << ", ";
  insert.Bind(expires_at) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << " FROM users WHERE id = ";
  insert.Bind(user.id) << " AND blocked_at IS NULL AND password_hash = ";
  insert.Bind(user.password_hash) << " RETURNING id";
  return db::QueryInt(sql, insert).has_value();
}

std::optional<SessionRecord> AccessRepository::FindLiveSession(const std::string& token_digest) {
  db::Session sql(database_);
  Sql query(
      "SELECT s.organization_id, s.user_id, u.role, s.csrf_token, u.full_name, s.space "
      "FROM sessions s "
      "JOIN users u ON u.id = s.user_id AND u.blocked_at IS NULL WHERE s.token_hash = ");
  query.Bind(token_digest) << " AND s.expires_at > ";
  query.Bind(timeutil::NowIso());
  std::optional<SessionRecord> session;
  db::ForEachRow(sql, query, [&](const Row& row) {
    session =
        SessionRecord{row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5)};
  });
  return session;
}

void AccessRepository::DeleteSession(const std::string& token_digest) {
  db::Session sql(database_);
  db::Exec(sql, Sql("DELETE FROM sessions WHERE token_hash = ").Bind(token_digest));
}

void AccessRepository::SetSessionSpace(const std::string& token_digest, const std::string& space) {
  db::Session sql(database_);
  Sql update("UPDATE sessions SET space = ");
  update.Bind(space) << ", updated_at = ";
  update.Bind(timeutil::NowIso()) << " WHERE token_hash = ";
  update.Bind(token_digest);
  db::Exec(sql, update);
}

void AccessRepository::DeleteExpiredSessions(long long user_id) {
  db::Session sql(database_);
  Sql query("DELETE FROM sessions WHERE user_id = ");
  query.Bind(user_id) << " AND expires_at <= ";
  query.Bind(timeutil::NowIso());
  db::Exec(sql, query);
}

ApiTokenRecord AccessRepository::InsertApiToken(long long organization_id, const std::string& name,
                                                const std::string& token_digest) {
  db::Session sql(database_);
  return InsertApiTokenRow(sql, organization_id, name, token_digest);
}

std::optional<ApiTokenRecord> AccessRepository::FindApiToken(const std::string& token_digest) {
  db::Session sql(database_);
  Sql query(
      "SELECT id, organization_id, name FROM api_tokens WHERE revoked_at IS NULL AND token_hash "
      "= ");
  query.Bind(token_digest);
  std::optional<ApiTokenRecord> token;
  db::ForEachRow(sql, query, [&](const Row& row) {
    token = ApiTokenRecord{row.Int(0), row.Int(1), row.Text(2), ""};
  });
  return token;
}

std::vector<ApiTokenRecord> AccessRepository::ListApiTokens(long long organization_id) {
  db::Session sql(database_);
  Sql query("SELECT id, name, created_at FROM api_tokens WHERE organization_id = ");
  query.Bind(organization_id) << " AND revoked_at IS NULL ORDER BY id";
  std::vector<ApiTokenRecord> tokens;
  db::ForEachRow(sql, query, [&](const Row& row) {
    tokens.push_back({row.Int(0), organization_id, row.Text(1), row.Text(2)});
  });
  return tokens;
}

ApiTokenRecord AccessRepository::IssueApiToken(const Actor& admin, const std::string& name,
                                               const std::string& token_digest) {
  db::Session sql(database_);
  db::WriteTransaction tx(sql, database_.dialect());
  ApiTokenRecord token = InsertApiTokenRow(sql, admin.organization_id, name, token_digest);
  history::HistoryRepository(sql).Record(admin, "api_token", token.id, "created",
                                         {{"name", {{"old", nullptr}, {"new", name}}}});
  tx.Commit();
  return token;
}

bool AccessRepository::RevokeApiToken(const Actor& admin, long long id) {
  db::Session sql(database_);
  db::WriteTransaction tx(sql, database_.dialect());
  const std::string now = timeutil::NowIso();
  Sql update("UPDATE api_tokens SET revoked_at = ");
  update.Bind(now) << ", updated_at = ";
  update.Bind(now) << " WHERE organization_id = ";
  update.Bind(admin.organization_id) << " AND id = ";
  update.Bind(id) << " AND revoked_at IS NULL RETURNING name";
  std::optional<std::string> name = db::QueryText(sql, update);
  if (!name) return false;
  history::HistoryRepository(sql).Record(admin, "api_token", id, "deleted",
                                         {{"name", {{"old", *name}, {"new", nullptr}}}});
  tx.Commit();
  return true;
}

std::optional<AttemptRecord> AccessRepository::FindAttempt(const std::string& key) {
  db::Session sql(database_);
  Sql query("SELECT failures, window_started_at, locked_until FROM login_attempts WHERE key = ");
  query.Bind(key);
  std::optional<AttemptRecord> attempt;
  db::ForEachRow(sql, query, [&](const Row& row) {
    attempt = AttemptRecord{row.Int(0), row.Int(1), row.OptInt(2).value_or(0)};
  });
  return attempt;
}

void AccessRepository::SaveAttempt(const std::string& key, const AttemptRecord& attempt) {
  db::Session sql(database_);
  Sql upsert(
      "INSERT INTO login_attempts (key, failures, window_started_at, locked_until, updated_at) "
      "VALUES (");
  upsert.Bind(key) << ", ";
  upsert.Bind(attempt.failures) << ", ";
  upsert.Bind(attempt.window_started) << ", ";
  upsert.Bind(attempt.locked_until) << ", ";
  upsert.Bind(timeutil::NowIso())
      << ") ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
         "window_started_at = excluded.window_started_at, locked_until = excluded.locked_until, "
         "updated_at = excluded.updated_at";
  db::Exec(sql, upsert);
}

void AccessRepository::DeleteAttempt(const std::string& key) {
  db::Session sql(database_);
  db::Exec(sql, Sql("DELETE FROM login_attempts WHERE key = ").Bind(key));
}

}  // namespace upravdom::access
