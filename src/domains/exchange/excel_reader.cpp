#include "domains/exchange/excel_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include <orcus/sax_parser.hpp>
#include <orcus/zip_archive.hpp>
#include <orcus/zip_archive_stream.hpp>

#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace upravdom::exchange::excel {

namespace {

[[noreturn]] void Refuse(const std::string& message) {
  throw ApiError(ErrorCode::kValidationFailed, message, {{"file", message}});
}

const char* const kNotXlsx =
    "Файл не является книгой Excel (.xlsx): сохраните его в Excel как «Книга Excel (*.xlsx)»";

uint16_t U16(std::string_view data, size_t at) {
  if (at + 2 > data.size()) Refuse(kNotXlsx);
  return static_cast<uint16_t>(static_cast<unsigned char>(data[at]) |
                               static_cast<unsigned char>(data[at + 1]) << 8);
}
uint32_t U32(std::string_view data, size_t at) {
  return static_cast<uint32_t>(U16(data, at)) | static_cast<uint32_t>(U16(data, at + 2)) << 16;
}

std::string Megabytes(size_t bytes) {
  return std::to_string(bytes >> 20) + " МБ";
}

[[noreturn]] void Bomb(const std::string& name, size_t limit) {
  Refuse("Файл похож на zip-бомбу: часть «" + name + "» после распаковки больше " +
         Megabytes(limit) + ". Такой файл не загружается");
}

// Inflates one entry into a scratch buffer and counts the bytes: nothing is kept.
void CountInflated(std::string_view data, const std::string& name, size_t offset, size_t compressed,
                   uint16_t method, size_t declared, const ReadLimits& limits, size_t& total) {
  if (U32(data, offset) != 0x04034b50) Refuse(kNotXlsx);
  const size_t start = offset + 30 + U16(data, offset + 26) + U16(data, offset + 28);
  if (start > data.size() || compressed > data.size() - start) Refuse(kNotXlsx);
  const size_t limit = std::min(declared, limits.max_entry_bytes);
  if (method == 0) {
    if (compressed > limit) Bomb(name, limits.max_entry_bytes);
    total += compressed;
    return;
  }
  if (method != 8) Refuse("Файл Excel сжат неподдерживаемым способом");
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2");
  std::unique_ptr<z_stream, int (*)(z_streamp)> guard(&stream, inflateEnd);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + start));
  stream.avail_in = static_cast<uInt>(compressed);
  static thread_local std::vector<unsigned char> scratch(1 << 16);
  size_t produced = 0;
  for (;;) {
    stream.next_out = scratch.data();
    stream.avail_out = static_cast<uInt>(scratch.size());
    int rc = inflate(&stream, Z_NO_FLUSH);
    produced += scratch.size() - stream.avail_out;
    // More than the header said (a lying header), or more than the cap: stop at once.
    if (produced > limit) {
      if (produced > declared)
        Refuse("Файл Excel повреждён: часть «" + name + "» больше заявленного");
      Bomb(name, limits.max_entry_bytes);
    }
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK) Refuse("Файл Excel повреждён: не удаётся распаковать «" + name + "»");
    if (stream.avail_in == 0 && stream.avail_out != 0)
      Refuse("Файл Excel повреждён: часть «" + name + "» обрезана");
  }
  total += produced;
  if (total > limits.max_total_bytes) {
    Refuse("Файл похож на zip-бомбу: после распаковки больше " + Megabytes(limits.max_total_bytes) +
           ". Такой файл не загружается");
  }
}

// One entry of the zip's central directory.
struct ZipEntry {
  std::string name;
  size_t offset, compressed, declared;
  uint16_t method;
};

// The central directory: the entries with their declared sizes. Throws for a file that is not
// a zip (or one with more than max_entries parts); the sizes are not checked here.
std::vector<ZipEntry> ListEntries(std::string_view data, const ReadLimits& limits) {
  if (data.empty()) Refuse("Файл пустой: выберите заполненный файл .xlsx");
  if (data.size() < 22 || data.substr(0, 2) != "PK") Refuse(kNotXlsx);
  // The end of central directory record: the last 22 bytes, or before a comment.
  size_t eocd = std::string_view::npos;
  const size_t lowest = data.size() > 22 + 65535 ? data.size() - 22 - 65535 : 0;
  for (size_t at = data.size() - 22;; --at) {
    if (U32(data, at) == 0x06054b50) {
      eocd = at;
      break;
    }
    if (at == lowest) break;
  }
  if (eocd == std::string_view::npos) Refuse(kNotXlsx);
  const size_t entries = U16(data, eocd + 10);
  const size_t directory_size = U32(data, eocd + 12);
  size_t at = U32(data, eocd + 16);
  if (entries == 0xFFFF || at == 0xFFFFFFFF || at + directory_size > data.size())
    Refuse(kNotXlsx);  // ZIP64 is never needed for a sheet within the upload limit
  if (entries > limits.max_entries) Refuse("В файле Excel слишком много частей");
  std::vector<ZipEntry> list;
  for (size_t i = 0; i < entries; ++i) {
    if (U32(data, at) != 0x02014b50) Refuse(kNotXlsx);
    ZipEntry entry;
    entry.method = U16(data, at + 10);
    entry.compressed = U32(data, at + 20);
    entry.declared = U32(data, at + 24);
    const size_t name_length = U16(data, at + 28);
    const size_t skip = name_length + U16(data, at + 30) + U16(data, at + 32);
    entry.offset = U32(data, at + 42);
    if (at + 46 + name_length > data.size()) Refuse(kNotXlsx);
    entry.name = std::string(data.substr(at + 46, name_length));
    at += 46 + skip;
    list.push_back(std::move(entry));
  }
  return list;
}

// ---- the parts, read with orcus's zip archive and SAX parser --------------------------------
//
// orcus_xlsx with an import interface of our own was the first choice, but liborcus 0.17
// drops inline strings (t="inlineStr"), which libxlsxwriter's constant-memory mode — our own
// export — and many generators write. Reading the sheet with orcus's SAX parser keeps the
// same memory (one part's XML, the shared strings and one row) and reads every cell type.

std::vector<unsigned char> ReadPart(const orcus::zip_archive& zip, std::string_view name) {
  std::vector<unsigned char> buffer;
  for (size_t i = 0; i < zip.get_file_entry_count(); ++i)
    if (zip.get_file_entry_name(i) == name) {
      if (!zip.read_file_entry(name, buffer)) Refuse(kNotXlsx);
      return buffer;
    }
  return buffer;
}

template <class Handler>
void ParseXml(const std::vector<unsigned char>& xml, Handler& handler) {
  orcus::sax_parser<Handler> parser(reinterpret_cast<const char*>(xml.data()), xml.size(), handler);
  parser.parse();
}

// orcus's SAX parser reports an element's attributes before the element itself: they are
// kept until start_element.
struct AttributeHandler : orcus::sax_handler {
  std::vector<std::pair<std::string, std::string>> attributes;  // {"r:id", "rId1"}
  void attribute(const orcus::sax::parser_attribute& a) {
    std::string name =
        a.ns.empty() ? std::string(a.name) : std::string(a.ns) + ":" + std::string(a.name);
    attributes.emplace_back(std::move(name), std::string(a.value));
  }
  using orcus::sax_handler::attribute;
  const std::string* Attribute(std::string_view name) const {
    for (const auto& [key, value] : attributes)
      if (key == name) return &value;
    return nullptr;
  }
};

// workbook.xml: the relationship id of the first sheet.
struct WorkbookHandler : AttributeHandler {
  std::string first_sheet_rid;
  void start_element(const orcus::sax::parser_element& e) {
    if (e.name == "sheet" && first_sheet_rid.empty())
      for (const auto& [key, value] : attributes)
        if (key.size() > 3 && key.substr(key.size() - 3) == ":id") first_sheet_rid = value;
    attributes.clear();
  }
};

// workbook.xml.rels: id → target, and the shared strings' target.
struct RelsHandler : AttributeHandler {
  std::map<std::string, std::string> targets;
  std::string shared_strings;
  void start_element(const orcus::sax::parser_element& e) {
    const std::string *id = Attribute("Id"), *target = Attribute("Target"),
                      *type = Attribute("Type");
    if (e.name == "Relationship" && id && target) {
      targets[*id] = *target;
      if (type && type->size() >= 14 && type->substr(type->size() - 14) == "/sharedStrings")
        shared_strings = *target;
    }
    attributes.clear();
  }
};

std::string PartPath(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

// The shared strings, kept while the whole sheet is read: their text in one buffer and each
// entry's end in it (4 bytes an entry). A std::vector<std::string> cost 32 bytes an entry
// plus a heap block for a text over 15 bytes: 3 million entries (a 1,000,000-row sheet as
// Excel saves it) took 128 MB that way and take 40 MB this way (docs/import-excel.md «Limits
// and memory»).
class SharedStrings {
 public:
  size_t size() const { return ends_.size(); }
  std::string_view operator[](size_t index) const {
    const size_t begin = index ? ends_[index - 1] : 0;
    return std::string_view(text_).substr(begin, ends_[index] - begin);
  }

  // An entry is built in place at the end of the buffer.
  void Begin() { text_.resize(ends_.empty() ? 0 : ends_.back()); }
  void Append(std::string_view text, const ReadLimits& limits) {
    if (text_.size() + text.size() > std::min<size_t>(limits.max_shared_text_bytes, UINT32_MAX))
      Refuse("Текст ячеек файла Excel (общие строки) занимает больше " +
             Megabytes(limits.max_shared_text_bytes) +
             ": такой файл не загружается, разделите его на несколько файлов");
    text_ += text;
  }
  void End(const ReadLimits& limits) {
    if (ends_.size() >= limits.max_shared_strings)
      Refuse("В файле Excel больше " + std::to_string(limits.max_shared_strings) +
             " текстовых значений (общих строк): такой файл не загружается, разделите его на "
             "несколько файлов");
    ends_.push_back(static_cast<uint32_t>(text_.size()));
  }
  // After the part's XML is freed: the slack of the buffers' doubling goes back.
  void Shrink() {
    text_.resize(ends_.empty() ? 0 : ends_.back());
    text_.shrink_to_fit();
    ends_.shrink_to_fit();
  }

 private:
  std::string text_;
  std::vector<uint32_t> ends_;
};

// sharedStrings.xml: the text of every <si> (its runs joined, phonetic runs left out), within
// the limits' count and bytes.
struct SharedStringsHandler : orcus::sax_handler {
  explicit SharedStringsHandler(const ReadLimits& limits) : limits(limits) {}
  const ReadLimits& limits;
  SharedStrings strings;
  bool in_t = false, in_phonetic = false;
  void start_element(const orcus::sax::parser_element& e) {
    if (e.name == "si") strings.Begin();
    if (e.name == "rPh") in_phonetic = true;
    if (e.name == "t") in_t = !in_phonetic;
  }
  void end_element(const orcus::sax::parser_element& e) {
    if (e.name == "t") in_t = false;
    if (e.name == "rPh") in_phonetic = false;
    if (e.name == "si") strings.End(limits);
  }
  void characters(std::string_view text, bool) {
    if (in_t) strings.Append(text, limits);
  }
};

// "BC12" → the column from 0 (-1 when there are no letters).
int ColumnOf(std::string_view ref) {
  int col = 0;
  size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
    col = col * 26 + (ref[i] - 'A' + 1);
    if (col > 1'000'000) return 1'000'000;  // past Excel's XFD; no overflow on long refs
  }
  return i == 0 ? -1 : col - 1;
}

// The sheet: one row at a time.
struct SheetHandler : AttributeHandler {
  SheetHandler(const SharedStrings& strings,
               const std::function<void(uint32_t, const std::vector<Cell>&)>& visit,
               const ReadLimits& limits)
      : strings(strings), visit(visit), limits(limits) {}
  const SharedStrings& strings;
  const std::function<void(uint32_t, const std::vector<Cell>&)>& visit;
  const ReadLimits& limits;

  uint32_t row = 0;
  size_t rows = 0;
  int column = -1;
  std::string type, value, inline_text;
  bool in_row = false, in_cell = false, in_v = false, in_is_t = false, in_is = false;
  bool in_phonetic = false;
  std::vector<Cell> cells;

  void start_element(const orcus::sax::parser_element& e) {
    if (e.name == "row") {
      in_row = true;
      const std::string* r = Attribute("r");
      row = r ? static_cast<uint32_t>(std::strtoul(r->c_str(), nullptr, 10)) : row + 1;
      column = -1;
      cells.clear();
      if (++rows > limits.max_rows)
        Refuse("В файле больше " + std::to_string(limits.max_rows - 1) +
               " строк данных: разделите его на несколько файлов");
    } else if (e.name == "c") {
      in_cell = true;
      const std::string* r = Attribute("r");
      const int previous = column;
      column = r ? ColumnOf(*r) : column + 1;
      // Excel writes a row's cells left to right, each once. A cell repeated (or going back)
      // would be kept again and again: a small file could fill the memory.
      if (r && column >= 0 && column <= previous)
        Refuse("Строка " + std::to_string(row) + ": ячейка " + *r +
               " повторяется или идёт не по порядку — файл повреждён или собран не в Excel");
      const std::string* t = Attribute("t");
      type = t ? *t : "n";
      value.clear();
      inline_text.clear();
    } else if (in_cell && e.name == "v") {
      in_v = true;
    } else if (in_cell && e.name == "is") {
      in_is = true;
    } else if (in_is && e.name == "rPh") {
      in_phonetic = true;
    } else if (in_is && e.name == "t") {
      in_is_t = !in_phonetic;
    }
    attributes.clear();
  }
  void characters(std::string_view text, bool) {
    if (in_v) value += text;
    if (in_is_t) inline_text += text;
  }
  void end_element(const orcus::sax::parser_element& e) {
    if (e.name == "v") in_v = false;
    if (e.name == "t") in_is_t = false;
    if (e.name == "rPh") in_phonetic = false;
    if (e.name == "is") in_is = false;
    if (e.name == "c") {
      in_cell = false;
      EndCell();
    }
    if (e.name == "row") {
      in_row = false;
      if (!cells.empty()) visit(row, cells);
      cells.clear();
      column = -1;
    }
  }
  void EndCell() {
    if (column < 0 || static_cast<uint32_t>(column) >= limits.max_columns) return;
    Cell cell;
    cell.column = static_cast<uint32_t>(column);
    if (type == "s") {
      size_t index = std::strtoul(value.c_str(), nullptr, 10);
      if (value.empty() || index >= strings.size()) return;
      cell.text = std::string(strings[index]);
    } else if (type == "inlineStr") {
      cell.text = std::move(inline_text);
    } else if (type == "str" || type == "e" || type == "d") {
      cell.text = std::move(value);
    } else if (type == "b") {
      if (value.empty()) return;
      cell.type = Cell::Type::kBool;
      cell.number = value == "1" || value == "true" ? 1 : 0;
    } else {
      if (value.empty()) return;
      char* end = nullptr;
      cell.number = std::strtod(value.c_str(), &end);
      if (end == value.c_str()) {
        cell.text = std::move(value);
      } else {
        cell.type = Cell::Type::kNumber;
      }
    }
    if (cell.type == Cell::Type::kText && cell.text.empty()) return;
    if (cell.text.size() > limits.max_cell_bytes)
      Refuse("Строка " + std::to_string(row) +
             ": в ячейке больше 32 767 символов — столько Excel " +
             "не допускает; файл повреждён или собран не в Excel");
    cells.push_back(std::move(cell));
  }
};

}  // namespace

void CheckXlsxContainer(std::string_view data, const ReadLimits& limits) {
  const std::vector<ZipEntry> list = ListEntries(data, limits);
  size_t declared_total = 0, total = 0;
  bool workbook = false;
  for (const ZipEntry& entry : list) {
    if (entry.name == "xl/workbook.xml") workbook = true;
    // The declared sizes first: a bomb is refused before a byte is inflated.
    if (entry.declared > limits.max_entry_bytes) Bomb(entry.name, limits.max_entry_bytes);
    declared_total += entry.declared;
    if (declared_total > limits.max_total_bytes)
      Refuse("Файл похож на zip-бомбу: после распаковки больше " +
             Megabytes(limits.max_total_bytes) + ". Такой файл не загружается");
  }
  if (!workbook) Refuse(kNotXlsx);
  for (const ZipEntry& entry : list)
    CountInflated(data, entry.name, entry.offset, entry.compressed, entry.method, entry.declared,
                  limits, total);
}

void ReadFirstSheet(std::string_view file,
                    const std::function<void(uint32_t, const std::vector<Cell>&)>& visit,
                    const ReadLimits& limits) {
  try {
    orcus::zip_archive_stream_blob stream(reinterpret_cast<const uint8_t*>(file.data()),
                                          file.size());
    orcus::zip_archive zip(&stream);
    zip.load();
    WorkbookHandler workbook;
    ParseXml(ReadPart(zip, "xl/workbook.xml"), workbook);
    RelsHandler rels;
    ParseXml(ReadPart(zip, "xl/_rels/workbook.xml.rels"), rels);
    auto sheet_target = rels.targets.find(workbook.first_sheet_rid);
    if (sheet_target == rels.targets.end()) Refuse("В книге Excel нет листов");
    SharedStringsHandler shared(limits);
    {
      const std::string part =
          rels.shared_strings.empty() ? "xl/sharedStrings.xml" : PartPath(rels.shared_strings);
      // Its size before it is inflated whole: CheckXlsxContainer made sure that no part
      // inflates to more than its declared size.
      for (const ZipEntry& entry : ListEntries(file, limits))
        if (entry.name == part && entry.declared > limits.max_shared_strings_bytes)
          Refuse("Файл Excel слишком большой: общие строки (часть «" + part +
                 "») после распаковки больше " + Megabytes(limits.max_shared_strings_bytes) +
                 ". Такой файл не загружается, разделите его на несколько файлов");
      std::vector<unsigned char> xml = ReadPart(zip, part);
      if (!xml.empty()) ParseXml(xml, shared);
    }
    shared.strings.Shrink();
    std::vector<unsigned char> xml = ReadPart(zip, PartPath(sheet_target->second));
    if (xml.empty()) Refuse("В книге Excel нет первого листа");
    SheetHandler sheet(shared.strings, visit, limits);
    ParseXml(xml, sheet);
  } catch (const ApiError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& error) {
    // orcus's message names its internals: it goes to the log, the user gets the gist.
    spdlog::info("excel import: orcus: {}", error.what());
    Refuse(
        "Не удалось прочитать файл Excel: он повреждён или сохранён не как «Книга Excel "
        "(*.xlsx)»");
  }
}

std::string NumberText(double value) {
  char text[32];
  if (std::isfinite(value) && std::fabs(value) < 1e15 && value == std::floor(value))
    std::snprintf(text, sizeof text, "%.0f", value);
  else
    std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

}  // namespace upravdom::exchange::excel
