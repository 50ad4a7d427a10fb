// The rules of premises (SPEC R-1 … R-8): type-dependent address fields, areas, references
// inside the organisation, unique external ids, tags, and deletion with everything under.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "domains/history/history.hpp"
#include "domains/premises/repository.hpp"

namespace upravdom::premises {

struct PremisePage {
  std::vector<PremiseRow> items;
  long long total = 0;
};

// The address fields the premise's type requires or forbids (a forbidden field is an error
// when `sent`, else dropped), and living area ≤ total area. The card and the import share it.
FieldErrors CheckTypeFields(Premise& premise, const std::function<bool(const char*)>& sent);

// The largest area accepted, in hundredths of a square metre (100 000 m²).
inline constexpr long long kMaxArea = 100'000'00;

class PremiseService {
 public:
  explicit PremiseService(db::Database& database) : database_(database) {}

  PremisePage List(long long organization_id, const PremiseFilter& filter);
  PremiseRow Read(long long organization_id, long long id);
  PremiseRow Create(const Actor& actor, const nlohmann::json& body);
  PremiseRow Update(const Actor& actor, long long id, const nlohmann::json& body);
  Dependents CountDependents(long long organization_id, long long id);
  // Deletes the premise with its accounts (and their charges, payments) and links, in one
  // transaction; returns what was deleted.
  Dependents Delete(const Actor& actor, long long id);
  // The premise's change history, newest first.
  std::vector<history::Entry> History(long long organization_id, long long id, long long limit,
                                      long long offset, long long& total);
  // Writes the filtered register to an .xlsx file at `path` with constant memory.
  void ExportXlsx(long long organization_id, PremiseFilter filter, const std::string& path);

  // After an object's address changed: its premises' search keys follow.
  void RefreshObjectKeys(soci::session& sql, long long organization_id, long long object_id);

 private:
  void Validate(PremiseRepository& repository, long long organization_id, Premise& premise,
                const nlohmann::json& body, bool creating);
  void ApplyBody(const nlohmann::json& body, bool creating, Premise& premise,
                 std::optional<std::vector<std::string>>& tags);
  PremiseRow Save(const Actor& actor, std::optional<long long> id, const nlohmann::json& body);

  db::Database& database_;
};

nlohmann::json ToJson(const PremiseRow& row);
// 5435 → 54.35
double AreaToMetres(long long hundredths);

}  // namespace upravdom::premises
