// A client (клиент): a person or a company linked to premises (SPEC §7, C-7, C-8).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace upravdom::clients {

struct ExternalId {
  long long id = 0;
  std::string space;  // "operations" or "construction"
  std::string system;
  std::string value;
  std::optional<std::string> note;
  std::string created_at;
  std::string updated_at;
};

// A premise the client is linked to, as the list shows it.
struct ClientPremise {
  long long id = 0;
  std::string address;
  std::string role;
};

struct ClientPremises {
  std::vector<ClientPremise> first;  // the first few by address
  long long count = 0;
};

struct Client {
  long long id = 0;
  std::string type = "individual";
  std::optional<std::string> last_name, first_name, middle_name, organization_name;
  std::optional<std::string> phone;  // E.164
  std::optional<std::string> email, gender, birth_date;
  std::optional<std::string> passport_series, passport_number, passport_issued_by,
      passport_issued_at, passport_department_code, passport_comment;
  std::optional<std::string> registration_address, registration_postcode, registration_comment;
  std::optional<std::string> inn, snils, loyalty_card, note;
  std::string status = "active";
  bool tester = false;
  std::optional<std::string> last_seen_at;
  long long debt = 0;  // kopecks, kept: Σ debt of the accounts of the client's premises
  ClientPremises premises;
  std::vector<std::string> tags;
  std::vector<ExternalId> external_ids;
  std::string created_at;
  std::string updated_at;
};

bool IsClientType(const std::string& type);
bool IsPerson(const std::string& type);  // individual or sole proprietor: a 12-digit ИНН
// "Иванов Иван Иванович" or the organisation's name.
std::string FullName(const Client& client);

}  // namespace upravdom::clients
