// Tags of the organisation (теги): free keywords put on premises (and later clients).
// A tag is unique in the organisation by its folded name ("Паркинг" = "паркинг").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "http/router.hpp"

namespace upravdom::tags {

struct Tag {
  long long id = 0;
  std::string name;
};

// Which records a tag is put on: the link table and its owner column.
struct TagLink {
  const char* table;
  const char* owner_column;
};
inline constexpr TagLink kPremiseTags{"premise_tags", "premise_id"};
inline constexpr TagLink kClientTags{"client_tags", "client_id"};

// SQL of tags; works on the caller's session (and so inside its transaction).
class TagRepository {
 public:
  TagRepository(soci::session& sql, db::Dialect dialect) : sql_(sql), dialect_(dialect) {}

  std::vector<Tag> List(long long organization_id, const std::string& prefix_key, long long limit,
                        long long offset, long long& total);
  std::optional<Tag> FindByKey(long long organization_id, const std::string& name_key);
  // The new tag's id, or nullopt when a tag with this name already exists.
  std::optional<long long> Insert(long long organization_id, const std::string& name);
  // Ids of the named tags, creating those that do not exist yet.
  std::vector<long long> Ensure(long long organization_id, const std::vector<std::string>& names);
  void SetTags(const TagLink& link, long long organization_id, long long owner_id,
               const std::vector<long long>& tag_ids);
  // Tag names of each owner (premise, client), in name order.
  std::map<long long, std::vector<std::string>> TagsOf(const TagLink& link,
                                                       long long organization_id,
                                                       const std::vector<long long>& ids);

 private:
  soci::session& sql_;
  db::Dialect dialect_;
};

// Reads a list of tag names from a body field: each a string of 1…50 characters; blanks
// and repeats dropped. Returns a Russian message on a bad value.
std::optional<std::string> NormalizeTagNames(std::vector<std::string>& names);

class TagService {
 public:
  explicit TagService(db::Database& database) : database_(database) {}
  std::vector<Tag> List(long long organization_id, const std::string& prefix, long long limit,
                        long long offset, long long& total);
  Tag Create(long long organization_id, const std::string& name);

 private:
  db::Database& database_;
};

void RegisterTagRoutes(http::Router& router, TagService& service);

}  // namespace upravdom::tags
