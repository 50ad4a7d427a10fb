// The columns of the Excel import (SPEC I-10, docs/import-excel.md): one consolidated row is a
// premise, one of its clients and one of its accounts. The template, the export, the import
// and the instruction (the sheet and the import page) all read this one table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace upravdom::exchange::excel {

enum class Section { kPremise, kClient, kAccount };

enum class Kind {
  kText,
  kInteger,      // a whole number (rooms, the object's id)
  kArea,         // square metres, up to 2 decimals
  kBool,         // да / нет
  kPremiseType,  // «Квартира» or flat
  kClientType,   // «Физ. лицо» or individual
  kRole,         // «Собственник» or owner
};

struct Column {
  const char* key;     // the record's JSON field within its section ("object_name": looked up)
  const char* header;  // the header cell, Russian
  Section section;
  Kind kind;
  const char* meaning;   // for the instruction, Russian
  const char* required;  // when a value is required, Russian ("" = optional)
  const char* format;    // the expected format, Russian
};

const std::vector<Column>& Columns();
const Column* FindColumn(Section section, const std::string& key);
const char* SectionName(Section section);  // «Помещение», «Клиент», «Лицевой счёт»

// The header the error file adds (an uploaded error file is accepted back: it is skipped).
inline constexpr const char* kErrorsHeader = "Ошибки";

// The «Важно!» warning of the article (§12): the owners sync.
extern const char* const kOwnersWarning;

// Value names shown in the file, and the codes of the records.
struct Choice {
  const char* code;
  const char* name;
};
const std::vector<Choice>& ClientTypes();
const std::vector<Choice>& Roles();
// The premise types come from premises::Types().
// A name or a code → the code; nullopt when it is neither.
std::optional<std::string> ChoiceCode(Kind kind, const std::string& typed);
// A code → the name shown in the file (the code itself when unknown).
std::string ChoiceName(Kind kind, const std::string& code);

// "A", "B", …, "Z", "AA", … for a column index from 0.
std::string ColumnLetter(size_t index);

// The table for the import page's «Показать инструкцию» (GET /api/v1/exchange/excel/columns).
nlohmann::json ColumnsJson();

}  // namespace upravdom::exchange::excel
