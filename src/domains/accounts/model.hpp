// Personal accounts (лицевые счета, SPEC A-1 … A-3) and their ledger: charges and
// payments in kopecks; an account's debt = Σ charges − Σ payments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upravdom::accounts {

struct Account {
  long long id = 0;
  long long premise_id = 0;
  long long legal_entity_id = 0;
  std::string legal_entity_name;
  std::string number;
  std::optional<std::string> unified_account;
  std::optional<std::string> external_id;
  bool hidden_from_resident = false;
  long long debt = 0;
  long long charges_total = 0;
  long long payments_total = 0;
  std::string created_at;
  std::string updated_at;
};

struct Charge {
  long long id = 0;
  long long account_id = 0;
  std::string period;  // YYYY-MM
  std::string service;
  long long amount = 0;
  std::string created_at;
};

struct Payment {
  long long id = 0;
  long long account_id = 0;
  std::string date;  // YYYY-MM-DD
  long long amount = 0;
  std::optional<std::string> source;
  std::string created_at;
};

// ЕЛС (единый лицевой счёт ГИС ЖКХ): 2 digits, 2 Cyrillic letters, 6 digits. Spaces are
// ignored and letters upper-cased ("12 аб 345678" → "12АБ345678"); nullopt when the text
// is not of that form.
std::optional<std::string> NormalizeUnifiedAccount(std::string_view typed);

// A period "YYYY-MM" (years 2000…2100).
bool IsPeriod(std::string_view period);

}  // namespace upravdom::accounts
