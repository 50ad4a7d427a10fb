#include "domains/tags/tags.hpp"

#include "core/json_input.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "db/sql.hpp"
#include "http/params.hpp"

namespace upravdom::tags {

using db::Row;
using db::Sql;

std::vector<Tag> TagRepository::List(long long organization_id, const std::string& prefix_key,
                                     long long limit, long long offset, long long& total) {
  auto where = [&](Sql& sql) {
    sql << " WHERE organization_id = ";
    sql.Bind(organization_id);
    if (!prefix_key.empty()) {
      sql << " AND " << db::PositionFunction(dialect_) << "(name_key, ";
      sql.Bind(prefix_key) << ") = 1";
    }
    return true;
  };
  std::vector<Tag> tags;
  total = db::ListPage(sql_, "id, name", "FROM tags", "FROM tags", where, "name_key, id", limit,
                       offset, /*count=*/true, [&](const Row& row) {
                         tags.push_back({row.Int(0), row.Text(1)});
                       });
  return tags;
}

std::optional<Tag> TagRepository::FindByKey(long long organization_id,
                                            const std::string& name_key) {
  Sql query("SELECT id, name FROM tags WHERE organization_id = ");
  query.Bind(organization_id) << " AND name_key = ";
  query.Bind(name_key);
  std::optional<Tag> tag;
  db::ForEachRow(sql_, query, [&](const Row& row) { tag = Tag{row.Int(0), row.Text(1)}; });
  return tag;
}

std::optional<long long> TagRepository::Insert(long long organization_id, const std::string& name) {
  const std::string now = timeutil::NowIso();
  Sql insert("INSERT INTO tags (organization_id, name, name_key, created_at, updated_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(name) << ", ";
  insert.Bind(text::FoldForSearch(name)) << ", ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ") ON CONFLICT (organization_id, name_key) DO NOTHING RETURNING id";
  return db::QueryInt(sql_, insert);
}

std::vector<long long> TagRepository::Ensure(long long organization_id,
                                             const std::vector<std::string>& names) {
  std::vector<long long> ids;
  for (const std::string& name : names) {
    // Another request may create the same tag at the same moment: insert if missing, then
    // read whichever row won.
    if (auto existing = FindByKey(organization_id, text::FoldForSearch(name)))
      ids.push_back(existing->id);
    else if (auto created = Insert(organization_id, name))
      ids.push_back(*created);
    else
      ids.push_back(FindByKey(organization_id, text::FoldForSearch(name)).value().id);
  }
  return ids;
}

void TagRepository::SetTags(const TagLink& link, long long organization_id, long long owner_id,
                            const std::vector<long long>& tag_ids) {
  Sql remove(std::string("DELETE FROM ") + link.table + " WHERE " + link.owner_column + " = ");
  remove.Bind(owner_id);
  db::Exec(sql_, remove);
  for (long long tag_id : tag_ids) {
    Sql insert(std::string("INSERT INTO ") + link.table + " (" + link.owner_column +
               ", tag_id, organization_id) VALUES (");
    insert.Bind(owner_id) << ", ";
    insert.Bind(tag_id) << ", ";
    insert.Bind(organization_id) << ")";
    db::Exec(sql_, insert);
  }
}

std::map<long long, std::vector<std::string>> TagRepository::TagsOf(
    const TagLink& link, long long organization_id, const std::vector<long long>& ids) {
  std::map<long long, std::vector<std::string>> tags;
  // In chunks: SQLite looks each named parameter up in a list while preparing, so one
  // statement with 10,000 of them spent seconds in the prepare alone.
  constexpr size_t kChunk = 200;
  for (size_t start = 0; start < ids.size(); start += kChunk) {
    std::vector<long long> chunk(
        ids.begin() + static_cast<std::ptrdiff_t>(start),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), start + kChunk)));
    Sql query(std::string("SELECT l.") + link.owner_column + ", t.name FROM " + link.table +
              " l JOIN tags t ON t.id = l.tag_id WHERE l.organization_id = ");
    query.Bind(organization_id) << " AND l." << link.owner_column << " IN ";
    query.BindList(chunk) << " ORDER BY t.name_key";
    db::ForEachRow(sql_, query, [&](const Row& row) { tags[row.Int(0)].push_back(row.Text(1)); });
  }
  return tags;
}

std::optional<std::string> NormalizeTagNames(std::vector<std::string>& names) {
  std::vector<std::string> unique;
  std::vector<std::string> keys;
  for (const std::string& raw : names) {
    std::string name = text::Trim(raw);
    if (name.empty()) continue;
    if (text::CodePointCount(name) > 50) return "Тег не длиннее 50 символов: «" + name + "»";
    std::string key = text::FoldForSearch(name);
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    keys.push_back(key);
    unique.push_back(name);
  }
  if (unique.size() > 50) return "Не более 50 тегов";
  names = std::move(unique);
  return std::nullopt;
}

std::vector<Tag> TagService::List(long long organization_id, const std::string& prefix,
                                  long long limit, long long offset, long long& total) {
  db::Session sql(database_);
  return TagRepository(sql, database_.dialect())
      .List(organization_id, text::FoldForSearch(prefix), limit, offset, total);
}

Tag TagService::Create(long long organization_id, const std::string& name) {
  std::vector<std::string> names{name};
  if (auto problem = NormalizeTagNames(names)) ThrowFieldError("name", *problem);
  if (names.empty()) ThrowFieldError("name", "Обязательное поле");
  db::Session sql(database_);
  db::WriteTransaction tx(sql, database_.dialect());
  TagRepository repository(sql, database_.dialect());
  std::optional<long long> id = repository.Insert(organization_id, names[0]);
  if (!id)
    throw ApiError(ErrorCode::kConflict, "Такой тег уже есть", {{"name", "Такой тег уже есть"}});
  Tag tag{*id, names[0]};
  tx.Commit();
  return tag;
}

void RegisterTagRoutes(http::Router& router, TagService& service) {
  router.Add("GET", "/api/v1/tags", [&service](http::Request& request) {
    long long limit = 50, offset = 0;
    http::ReadPaging(request, limit, offset);
    std::string prefix = request.QueryValue("q").value_or("");
    if (prefix.size() > 200) prefix.clear();
    long long total = 0;
    nlohmann::json items = nlohmann::json::array();
    for (const Tag& tag : service.List(request.Who().organization_id, prefix, limit, offset, total))
      items.push_back({{"id", tag.id}, {"name", tag.name}});
    return http::Response::Json({{"items", items}, {"total", total}});
  });
  router.Add("POST", "/api/v1/tags", [&service](http::Request& request) {
    nlohmann::json body = ParseJsonObject(request.body);
    BodyReader reader(body);
    auto name = reader.Text("name", {.required = true, .max_length = 50});
    reader.Finish();
    Tag tag = service.Create(request.Who().organization_id, *name);
    return http::Response::Json({{"id", tag.id}, {"name", tag.name}}, 201);
  });
}

}  // namespace upravdom::tags
