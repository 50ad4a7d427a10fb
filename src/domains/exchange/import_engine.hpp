// The import engine (SPEC I-1 … I-3, I-8, I-11, B-1, M-1; docs/import-api.md): records
// (a client, or a premise with its clients and accounts) are validated, matched by the
// documented rules and applied in order, each atomically; the first failing record stops a
// real run, a dry run goes through every record and writes nothing. Every source (the JSON
// API, XML, Excel) only turns its input into these records.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/actor.hpp"
#include "db/database.hpp"
#include "domains/exchange/operations.hpp"

namespace upravdom::exchange {

struct ImportSettings {
  std::string space = "operations";  // the CRM space of the external ids
  std::string source = "api";        // the accounting system: the external ids' `system`
  bool dry_run = false;
  size_t expected_records = 0;  // for the progress shown in the log (0: unknown)
  // Whether the answer lists each record's result. A scheduled run answers nobody: its
  // results (~200 bytes a record, 20 MB for 100,000 records) would only be built and dropped.
  bool keep_results = true;
};

// Hands the records over one at a time: calls `visit(index, record)` until it returns false.
using RecordSource = std::function<void(const std::function<bool(size_t, nlohmann::json&)>& visit)>;

// The answer of docs/import-api.md («The answer»). The per-record results and the errors
// are JSON text: a batch of 200,000 records has as many results.
struct ImportAnswer {
  nlohmann::json summary;  // operation_id, dry_run, status, counts, warnings, merges
  std::string results;     // JSON array (empty unless ImportSettings::keep_results)
  std::string errors;      // JSON array
  // The answer's JSON text; takes `results` over (see AnswerBody).
  std::string TakeBody();
};

// {"results": …, "errors": …, the summary's fields}. The results' text (tens of MB for a large
// batch) becomes the body instead of being copied into it.
std::string AnswerBody(std::string results, const std::string& errors,
                       const nlohmann::json& summary);

class ImportEngine {
 public:
  ImportEngine(db::Database& database, OperationLog& log) : database_(database), log_(log) {}

  // Runs the import as one operation of the exchange log and gives the answer of
  // docs/import-api.md («The answer»).
  ImportAnswer Run(const Actor& actor, const ImportSettings& settings, const RecordSource& records);

  // Called after a real run that applied records (the server refreshes the planner's
  // statistics). Set before the server serves.
  void OnApplied(std::function<void()> callback) { on_applied_ = std::move(callback); }

 private:
  db::Database& database_;
  OperationLog& log_;
  std::function<void()> on_applied_;
};

}  // namespace upravdom::exchange
