#include "domains/exchange/xml_reader.hpp"

#include <expat.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/text.hpp"

// GCC 12 warns falsely on "literal" + std::string&& once inlined (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace upravdom::exchange {

namespace {

using json = nlohmann::json;

constexpr const char* kRoot = "upravdom-import";
// The file goes through expat in chunks of this size; the second pass hands over the records
// completed in a chunk before reading the next one.
constexpr size_t kChunk = 64 * 1024;
// Expat keeps a whole start tag (with its attributes) in memory before it reports it; a file
// of one 2 GB tag would take 2 GB. Its allocations are counted and refused over this cap.
constexpr size_t kParserMemoryCap = 8 * 1024 * 1024;
// Clients or accounts in one record's list (the record is built whole in memory).
constexpr size_t kMaxListItems = 1000;
// One record is held as JSON (several times its text) until the engine takes it: an element
// has at most this many attributes (a client has ~30 fields) and a record at most this many
// bytes of attribute names and values — whatever the file's size, memory stays bounded.
constexpr size_t kMaxAttributes = 64;
constexpr size_t kMaxRecordBytes = 1024 * 1024;

// ---- A memory budget for the parser ----------------------------------------------------------

// Expat's allocator hooks carry no user data: the parser of this thread finds its budget here.
thread_local size_t* tl_budget_used = nullptr;

constexpr size_t kHeader = alignof(std::max_align_t);

void* CountedMalloc(size_t size) {
  if (tl_budget_used && *tl_budget_used + size > kParserMemoryCap) return nullptr;
  auto* block = static_cast<unsigned char*>(std::malloc(size + kHeader));
  if (!block) return nullptr;
  std::memcpy(block, &size, sizeof size);
  if (tl_budget_used) *tl_budget_used += size;
  return block + kHeader;
}

void CountedFree(void* pointer) {
  if (!pointer) return;
  auto* block = static_cast<unsigned char*>(pointer) - kHeader;
  size_t size;
  std::memcpy(&size, block, sizeof size);
  if (tl_budget_used) *tl_budget_used -= std::min(size, *tl_budget_used);
  std::free(block);
}

void* CountedRealloc(void* pointer, size_t size) {
  if (!pointer) return CountedMalloc(size);
  auto* block = static_cast<unsigned char*>(pointer) - kHeader;
  size_t old_size;
  std::memcpy(&old_size, block, sizeof old_size);
  if (tl_budget_used && size > old_size && *tl_budget_used + (size - old_size) > kParserMemoryCap)
    return nullptr;
  auto* grown = static_cast<unsigned char*>(std::realloc(block, size + kHeader));
  if (!grown) return nullptr;
  std::memcpy(grown, &size, sizeof size);
  if (tl_budget_used)
    *tl_budget_used = *tl_budget_used - std::min(old_size, *tl_budget_used) + size;
  return grown + kHeader;
}

const XML_Memory_Handling_Suite kCountedMemory{CountedMalloc, CountedRealloc, CountedFree};

// ---- windows-1251 ----------------------------------------------------------------------------

// Expat reads UTF-8, UTF-16, ISO-8859-1 and US-ASCII itself; 1С often writes windows-1251.
// Its upper half (0x80–0xFF) in Unicode; 0x98 is unassigned.
constexpr int kCp1251Upper[128] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039,
    0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    -1,     0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408,
    0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB,
    0x0458, 0x0405, 0x0455, 0x0457, 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F, 0x0420, 0x0421, 0x0422, 0x0423,
    0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B,
    0x043C, 0x043D, 0x043E, 0x043F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F};

bool SameName(const char* a, const char* b) {
  for (; *a && *b; ++a, ++b)
    if (std::tolower(static_cast<unsigned char>(*a)) !=
        std::tolower(static_cast<unsigned char>(*b)))
      return false;
  return *a == *b;
}

int XMLCALL UnknownEncoding(void*, const XML_Char* name, XML_Encoding* info) {
  if (!SameName(name, "windows-1251") && !SameName(name, "cp1251")) return XML_STATUS_ERROR;
  for (int i = 0; i < 128; ++i) info->map[i] = i;
  for (int i = 0; i < 128; ++i) info->map[128 + i] = kCp1251Upper[i];
  info->data = nullptr;
  info->convert = nullptr;
  info->release = nullptr;
  return XML_STATUS_OK;
}

// ---- Attribute values ------------------------------------------------------------------------

enum class Kind { kText, kInteger, kDecimal, kBoolean };

// The fields that are numbers or booleans in the JSON records (docs/import-api.md); every
// other attribute is text.
Kind FieldKind(std::string_view element, std::string_view field) {
  if (element == "premise") {
    if (field == "object_id" || field == "rooms") return Kind::kInteger;
    if (field == "total_area" || field == "living_area") return Kind::kDecimal;
  } else if (element == "account") {
    if (field == "hidden_from_resident") return Kind::kBoolean;
  }
  return Kind::kText;
}

// An attribute as its JSON value: "" is null (the field is cleared); a number or boolean field
// whose text does not parse stays text, so that the engine names the field in its error.
json AttributeValue(std::string_view element, std::string_view field, std::string_view text) {
  if (text.empty()) return nullptr;
  switch (FieldKind(element, field)) {
    case Kind::kText:
      return std::string(text);
    case Kind::kInteger: {
      long long value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec == std::errc() && end == text.data() + text.size()) return value;
      return std::string(text);
    }
    case Kind::kDecimal: {
      // 1С and Russian spreadsheets write a decimal comma.
      std::string dotted(text);
      for (char& c : dotted)
        if (c == ',') c = '.';
      double value = 0;
      auto [end, ec] = std::from_chars(dotted.data(), dotted.data() + dotted.size(), value);
      if (ec == std::errc() && end == dotted.data() + dotted.size() &&
          dotted.find_first_of("eEnNiI") == std::string::npos)
        return value;
      return std::string(text);
    }
    case Kind::kBoolean:
      if (text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      return std::string(text);
  }
  return std::string(text);
}

// ---- The parser ------------------------------------------------------------------------------

// At most `characters` characters of a name or text from the file, cut between characters
// (a cut inside one would be invalid UTF-8, which PostgreSQL refuses in the log and the
// report), with «…» when cut: a message quotes the file, it does not copy it.
std::string Shown(std::string_view text, size_t characters = 40) {
  return text::Clip(text, characters);
}

std::string Tag(std::string_view name) {
  return "<" + Shown(name) + ">";
}

// Expat's error in Russian: the ones a broken upload gives by name, any other as «ошибка
// разбора» — the user's message names the line and column, expat's English text is logged.
std::string ExpatMessage(XML_Error code) {
  switch (code) {
    case XML_ERROR_NO_MEMORY:
      return "слишком длинный элемент или значение атрибута";
    case XML_ERROR_SYNTAX:
      return "синтаксическая ошибка";
    case XML_ERROR_NO_ELEMENTS:
      return "файл пуст или оборван: не все элементы закрыты (файл загружен не полностью?)";
    case XML_ERROR_INVALID_TOKEN:
      return "недопустимый символ или тег";
    case XML_ERROR_UNCLOSED_TOKEN:
      return "файл оборван посреди тега";
    case XML_ERROR_PARTIAL_CHAR:
      return "файл оборван посреди символа";
    case XML_ERROR_TAG_MISMATCH:
      return "закрывающий тег не соответствует открывающему";
    case XML_ERROR_DUPLICATE_ATTRIBUTE:
      return "атрибут повторяется";
    case XML_ERROR_JUNK_AFTER_DOC_ELEMENT:
      return "данные после закрывающего тега корневого элемента";
    case XML_ERROR_UNDEFINED_ENTITY:
      return "неизвестная сущность (&…;); допустимы только &lt; &gt; &amp; &quot; &apos; и "
             "коды символов";
    case XML_ERROR_UNKNOWN_ENCODING:
      return "неподдерживаемая кодировка (допустимы UTF-8 и windows-1251)";
    case XML_ERROR_INCORRECT_ENCODING:
      return "текст не соответствует объявленной кодировке";
    case XML_ERROR_UNCLOSED_CDATA_SECTION:
      return "не закрыт раздел CDATA";
    case XML_ERROR_MISPLACED_XML_PI:
      return "объявление <?xml …?> не в начале файла";
    case XML_ERROR_BAD_CHAR_REF:
      return "ссылка на недопустимый символ (&#…;): управляющие символы в XML не допускаются";
    default:
      return "ошибка разбора";
  }
}

[[noreturn]] void Refuse(const std::string& message) {
  throw ApiError(ErrorCode::kValidationFailed, message, {{"file", message}});
}

// One pass over the file. Checks the shape on the way (both passes: the file is read twice,
// and the second pass must not trust what it did not check); with `build`, makes each record's
// JSON and queues it for the caller between chunks — never calling out of expat's frames, which
// are C and must not be unwound by an exception.
class Pass {
 public:
  explicit Pass(bool build) : build_(build) {
    tl_budget_used = &memory_used_;
    parser_ = XML_ParserCreate_MM(nullptr, &kCountedMemory, nullptr);
    if (!parser_) {
      tl_budget_used = nullptr;
      throw std::bad_alloc();
    }
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &Pass::OnStart, &Pass::OnEnd);
    XML_SetCharacterDataHandler(parser_, &Pass::OnText);
    XML_SetStartDoctypeDeclHandler(parser_, &Pass::OnDoctype);
    XML_SetEntityDeclHandler(parser_, &Pass::OnEntityDecl);
    XML_SetUnknownEncodingHandler(parser_, &UnknownEncoding, nullptr);
    // Never read an external DTD or parameter entity (XXE); a DOCTYPE is refused anyway.
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
  }
  ~Pass() {
    XML_ParserFree(parser_);
    tl_budget_used = nullptr;
  }
  Pass(const Pass&) = delete;
  Pass& operator=(const Pass&) = delete;

  // Reads the whole file; after each chunk hands the completed records to `flush` (second
  // pass), which returns false to stop.
  void Run(const std::string& path, const std::function<bool(std::vector<json>&)>& flush) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) {
      spdlog::error("XML file {}: {}", path, std::strerror(errno));
      Refuse("Не удалось открыть файл XML");
    }
    for (;;) {
      void* buffer = XML_GetBuffer(parser_, static_cast<int>(kChunk));
      if (!buffer) Refuse("Файл XML не прочитан: " + ExpatMessage(XML_ERROR_NO_MEMORY));
      const size_t n = std::fread(buffer, 1, kChunk, file.get());
      if (n < kChunk && std::ferror(file.get())) Refuse("Ошибка чтения файла XML");
      const bool last = n < kChunk;
      if (XML_ParseBuffer(parser_, static_cast<int>(n), last) != XML_STATUS_OK) Fail();
      if (build_ && !records_.empty()) {
        if (!flush(records_)) return;
        records_.clear();
      }
      if (last) break;
    }
    if (build_ && !records_.empty()) flush(records_);
  }

  XmlHeader header;

 private:
  // Where the parser is: the element at each depth below the root.
  enum class At { kDocument, kRoot, kRecord, kList, kLeaf };

  static void XMLCALL OnStart(void* self, const XML_Char* name, const XML_Char** attributes) {
    static_cast<Pass*>(self)->Guard([&](Pass& p) { p.Start(name, attributes); });
  }
  static void XMLCALL OnEnd(void* self, const XML_Char* name) {
    static_cast<Pass*>(self)->Guard([&](Pass& p) { p.End(name); });
  }
  static void XMLCALL OnText(void* self, const XML_Char* text, int length) {
    static_cast<Pass*>(self)->Guard([&](Pass& p) { p.Text(std::string_view(text, length)); });
  }
  static void XMLCALL OnDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
    static_cast<Pass*>(self)->Stop(
        "Файл XML содержит объявление DOCTYPE: DTD и сущности не допускаются (защита от «XML-бомб» "
        "и чтения чужих файлов через внешние сущности)");
  }
  static void XMLCALL OnEntityDecl(void* self, const XML_Char*, int, const XML_Char*, int,
                                   const XML_Char*, const XML_Char*, const XML_Char*,
                                   const XML_Char*) {
    static_cast<Pass*>(self)->Stop("Файл XML объявляет сущности (<!ENTITY>): не допускается");
  }

  // Handlers run inside expat: nothing may be thrown through it.
  template <class F>
  void Guard(F&& handle) {
    if (stopped_) return;
    try {
      handle(*this);
    } catch (const std::bad_alloc&) {
      Stop("Недостаточно памяти для чтения файла XML");
    } catch (const ApiError& error) {
      Stop(error.message());
    } catch (const std::exception& error) {
      // Not a message for the user (a library's English text): it goes to the log.
      spdlog::warn("xml import: {}", error.what());
      Stop("внутренняя ошибка при чтении файла");
    }
  }

  void Stop(const std::string& message) {
    if (stopped_) return;
    stopped_ = true;
    message_ = message;
    line_ = XML_GetCurrentLineNumber(parser_);
    XML_StopParser(parser_, XML_FALSE);
  }

  [[noreturn]] void Fail() {
    if (stopped_) Refuse("Файл XML, строка " + std::to_string(line_) + ": " + message_);
    const XML_Error code = XML_GetErrorCode(parser_);
    const auto line = XML_GetCurrentLineNumber(parser_);
    const auto column = XML_GetCurrentColumnNumber(parser_) + 1;
    // A broken file is the sender's problem, not the server's: info, for whoever helps them.
    spdlog::info("xml import: expat error {} at line {}, column {}: {}", static_cast<int>(code),
                 line, column, XML_ErrorString(code));
    Refuse("Файл XML повреждён, строка " + std::to_string(line) + ", символ " +
           std::to_string(column) + ": " + ExpatMessage(code));
  }

  void Start(std::string_view name, const XML_Char** attributes) {
    switch (at_.empty() ? At::kDocument : at_.back()) {
      case At::kDocument:
        if (name != kRoot)
          return Stop("корневой элемент должен быть " + Tag(kRoot) + ", а не " + Tag(name));
        RootAttributes(attributes);
        at_.push_back(At::kRoot);
        return;
      case At::kRoot:
        if (name != "record")
          return Stop("в " + Tag(kRoot) + " допускаются только элементы <record>, а не " +
                      Tag(name));
        if (attributes[0]) return Stop("у <record> нет атрибутов (" + Shown(attributes[0]) + ")");
        if (++header.records > kMaxRecords)
          return Stop("не более " + std::to_string(kMaxRecords) + " записей в файле");
        seen_ = {};
        record_bytes_ = 0;
        if (build_) record_ = json::object();
        at_.push_back(At::kRecord);
        return;
      case At::kRecord: {
        int slot = name == "premise"    ? 0
                   : name == "client"   ? 1
                   : name == "clients"  ? 2
                   : name == "accounts" ? 3
                                        : -1;
        if (slot < 0)
          return Stop("неизвестный элемент " + Tag(name) +
                      " в <record>; допустимы <premise>, <clients>, <accounts> или <client>");
        if (seen_[slot]) return Stop("элемент " + Tag(name) + " повторяется в одной записи");
        seen_[slot] = true;
        if (slot >= 2) {
          if (attributes[0])
            return Stop("у " + Tag(name) + " нет атрибутов (" + Shown(attributes[0]) + ")");
          list_ = std::string(name);
          list_items_ = 0;
          if (build_) record_[list_] = json::array();
          at_.push_back(At::kList);
        } else {
          if (!WithinLimits(name, attributes)) return;
          if (build_) record_[std::string(name)] = Fields(name, attributes);
          at_.push_back(At::kLeaf);
        }
        return;
      }
      case At::kList: {
        const std::string_view item = list_ == "clients" ? "client" : "account";
        if (name != item)
          return Stop("в " + Tag(list_) + " допускаются только элементы " + Tag(item) + ", а не " +
                      Tag(name));
        // One record is built whole in memory: its lists are bounded (a premise has a few
        // clients and accounts, not millions).
        if (++list_items_ > kMaxListItems)
          return Stop("в " + Tag(list_) + " одной записи больше " + std::to_string(kMaxListItems) +
                      " элементов");
        if (!WithinLimits(name, attributes)) return;
        if (build_) record_[list_].push_back(Fields(name, attributes));
        at_.push_back(At::kLeaf);
        return;
      }
      case At::kLeaf:
        return Stop("элемент " + Tag(name) +
                    " внутри поля записи: данные записываются атрибутами, вложенных элементов нет");
    }
  }

  void End(std::string_view) {
    const At closing = at_.back();
    at_.pop_back();
    if (closing == At::kRecord && build_) records_.push_back(std::move(record_));
  }

  void Text(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") != std::string_view::npos)
      Stop("текст «" + Shown(text) + "» между тегами: данные записываются атрибутами элементов");
  }

  void RootAttributes(const XML_Char** attributes) {
    for (size_t i = 0; attributes[i]; i += 2) {
      const std::string_view name = attributes[i];
      const std::string_view value = attributes[i + 1];
      if (name == "version") {
        if (value != "1")
          return Stop("версия формата " + Shown(value) +
                      " не поддерживается (ожидается version=\"1\")");
      } else if (name == "space") {
        if (value != "operations" && value != "construction")
          return Stop("атрибут space: допустимо operations или construction");
        header.space = value;
      } else if (name == "source") {
        if (value.empty() || value.size() > 100)
          return Stop("атрибут source: ожидается строка от 1 до 100 символов");
        header.source = value;
      } else if (name.starts_with("xmlns") || name.starts_with("xsi:")) {
        // a schema reference for editors (docs/import-xml.xsd): not data
      } else {
        return Stop("неизвестный атрибут " + Shown(name) + " у " + Tag(kRoot));
      }
    }
  }

  // Whether the element's attributes keep the record within kMaxAttributes and
  // kMaxRecordBytes (else the pass stops with the reason). Checked in both passes.
  bool WithinLimits(std::string_view element, const XML_Char** attributes) {
    size_t count = 0;
    for (size_t i = 0; attributes[i]; i += 2) {
      ++count;
      record_bytes_ += std::char_traits<char>::length(attributes[i]) +
                       std::char_traits<char>::length(attributes[i + 1]);
    }
    if (count > kMaxAttributes) {
      Stop("у " + Tag(element) + " больше " + std::to_string(kMaxAttributes) +
           " атрибутов: файл повреждён или собран не по формату");
      return false;
    }
    if (record_bytes_ > kMaxRecordBytes) {
      Stop("запись больше 1 МБ данных: файл повреждён или собран не по формату");
      return false;
    }
    return true;
  }

  json Fields(std::string_view element, const XML_Char** attributes) {
    json object = json::object();
    for (size_t i = 0; attributes[i]; i += 2)
      object[attributes[i]] = AttributeValue(element, attributes[i], attributes[i + 1]);
    return object;
  }

  bool build_;
  size_t memory_used_ = 0;
  XML_Parser parser_ = nullptr;
  std::vector<At> at_;
  std::array<bool, 4> seen_{};
  std::string list_;
  size_t list_items_ = 0;
  size_t record_bytes_ = 0;  // of the record's attributes so far
  json record_;
  std::vector<json> records_;
  bool stopped_ = false;
  std::string message_;
  XML_Size line_ = 0;
};

}  // namespace

XmlHeader ReadXmlHeader(const std::string& file_path) {
  Pass pass(false);
  pass.Run(file_path, nullptr);
  if (pass.header.records == 0) Refuse("В файле XML нет ни одной записи <record>");
  return pass.header;
}

void ForEachXmlRecord(const std::string& file_path,
                      const std::function<bool(size_t, nlohmann::json&)>& visit) {
  Pass pass(true);
  size_t index = 0;
  pass.Run(file_path, [&](std::vector<json>& records) {
    for (json& record : records)
      if (!visit(index++, record)) return false;
    return true;
  });
}

}  // namespace upravdom::exchange
