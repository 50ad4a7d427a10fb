// A premise–client link (связь помещения и клиента, SPEC L-1 … L-6) and the pure rules of
// roles and ownership shares (docs/links-and-accounts.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upravdom::links {

// owner | unconfirmed_owner | representative | resident | tenant
bool IsRole(const std::string& role);
// owner or unconfirmed_owner: may hold a share; dependants may depend on them.
bool IsOwnerRole(const std::string& role);
// representative, resident, tenant: must name the owner they depend on.
bool NeedsOwner(const std::string& role);
// The order of roles in a premise's list: owners first.
int RoleRank(const std::string& role);

// An ownership share as an exact fraction, reduced (0 < numerator ≤ denominator).
struct Share {
  long long numerator = 0;
  long long denominator = 1;
  std::string text;  // normalised: "1/2" or "33.5%"
};

// "1/2", " 2 / 4 " (→ "1/2"), "50%", "33,5 %" (→ "33.5%"): nullopt when it is not a share
// of at most the whole (fractions up to 1/1000000, percentages with up to 4 decimals).
std::optional<Share> ParseShare(std::string_view typed);

// True when the shares together are more than the whole, computed exactly.
bool SharesExceedWhole(const std::vector<Share>& shares);

struct Link {
  long long id = 0;
  long long premise_id = 0;
  long long client_id = 0;
  std::string role = "owner";
  std::optional<long long> owner_client_id;
  std::optional<std::string> ddu_number, ddu_date, acceptance_act_number, acceptance_act_date,
      certificate_number, certificate_date, management_contract_number, management_contract_date;
  std::optional<std::string> ownership_share;
  std::optional<long long> share_numerator, share_denominator;
  std::optional<std::string> comment;
  bool online_payment = false;
  bool keep_on_sync = false;
  std::string created_by = "staff";
  std::string created_at;
  std::string updated_at;
};

// L-6: for owners, the owners'-meeting data that is missing (ddu_number, ddu_date,
// ownership_share); empty for other roles.
std::vector<std::string> MissingForMeeting(const Link& link);

}  // namespace upravdom::links
