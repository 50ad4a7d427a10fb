#include "domains/exchange/excel_reader.hpp"

#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include <orcus/orcus_xlsx.hpp>
#include <orcus/spreadsheet/import_interface.hpp>

#include "core/error.hpp"

namespace upravdom::exchange::excel {

namespace {

namespace iface = orcus::spreadsheet::iface;
using orcus::spreadsheet::col_t;
using orcus::spreadsheet::row_t;

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

// ---- the import interface: one row at a time ----------------------------------------------

class SharedStrings : public iface::import_shared_strings {
 public:
  size_t append(std::string_view s) override { return Push(std::string(s)); }
  size_t add(std::string_view s) override { return Push(std::string(s)); }
  void set_segment_font(size_t) override {}
  void set_segment_bold(bool) override {}
  void set_segment_italic(bool) override {}
  void set_segment_font_name(std::string_view) override {}
  void set_segment_font_size(double) override {}
  void set_segment_font_color(orcus::spreadsheet::color_elem_t, orcus::spreadsheet::color_elem_t,
                              orcus::spreadsheet::color_elem_t,
                              orcus::spreadsheet::color_elem_t) override {}
  void append_segment(std::string_view s) override { segments_ += s; }
  size_t commit_segments() override {
    std::string text;
    text.swap(segments_);
    return Push(std::move(text));
  }
  const std::string* Get(size_t index) const {
    return index < strings_.size() ? &strings_[index] : nullptr;
  }

 private:
  size_t Push(std::string text) {
    strings_.push_back(std::move(text));
    return strings_.size() - 1;
  }
  std::vector<std::string> strings_;
  std::string segments_;
};

class RowSheet;

// A formula cell: its cached result is the cell's value.
class Formula : public iface::import_formula {
 public:
  explicit Formula(RowSheet& sheet) : sheet_(sheet) {}
  void set_position(row_t row, col_t col) override {
    row_ = row, col_ = col;
    result_.reset();
  }
  void set_formula(orcus::spreadsheet::formula_grammar_t, std::string_view) override {}
  void set_shared_formula_index(size_t) override {}
  void set_result_string(std::string_view value) override {
    result_ = Cell{0, Cell::Type::kText, std::string(value), 0};
  }
  void set_result_value(double value) override {
    result_ = Cell{0, Cell::Type::kNumber, "", value};
  }
  void set_result_bool(bool value) override {
    result_ = Cell{0, Cell::Type::kBool, "", value ? 1.0 : 0.0};
  }
  void set_result_empty() override { result_.reset(); }
  void commit() override;

 private:
  RowSheet& sheet_;
  row_t row_ = 0;
  col_t col_ = 0;
  std::optional<Cell> result_;
};

class RowSheet : public iface::import_sheet {
 public:
  using Visit = std::function<void(uint32_t, const std::vector<Cell>&)>;
  RowSheet(const SharedStrings& strings, const Visit& visit, const ReadLimits& limits)
      : strings_(strings), visit_(visit), limits_(limits), formula_(*this) {}

  iface::import_formula* get_formula() override { return &formula_; }
  void set_auto(row_t row, col_t col, std::string_view s) override {
    Add(row, col, Cell{0, Cell::Type::kText, std::string(s), 0});
  }
  void set_string(row_t row, col_t col, orcus::spreadsheet::string_id_t sindex) override {
    const std::string* text = strings_.Get(sindex);
    Add(row, col, Cell{0, Cell::Type::kText, text ? *text : std::string(), 0});
  }
  void set_value(row_t row, col_t col, double value) override {
    Add(row, col, Cell{0, Cell::Type::kNumber, "", value});
  }
  void set_bool(row_t row, col_t col, bool value) override {
    Add(row, col, Cell{0, Cell::Type::kBool, "", value ? 1.0 : 0.0});
  }
  void set_date_time(row_t row, col_t col, int year, int month, int day, int, int,
                     double) override {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    Add(row, col, Cell{0, Cell::Type::kText, text, 0});
  }
  void set_format(row_t, col_t, size_t) override {}
  void set_format(row_t, col_t, row_t, col_t, size_t) override {}
  void fill_down_cells(row_t, col_t, row_t) override {}
  orcus::spreadsheet::range_size_t get_sheet_size() const override { return {1048576, 16384}; }

  void Add(row_t row, col_t col, Cell cell) {
    if (col < 0 || static_cast<uint32_t>(col) >= limits_.max_columns || row < 0) return;
    if (cell.type == Cell::Type::kText && cell.text.empty()) return;
    if (row != row_) {
      Flush();
      row_ = row;
      if (++rows_ > limits_.max_rows)
        Refuse("В файле больше " + std::to_string(limits_.max_rows - 1) +
               " строк данных: разделите его на несколько файлов");
    }
    cell.column = static_cast<uint32_t>(col);
    // Cells arrive left to right; a formula's result may come after a later cell.
    if (!cells_.empty() && cells_.back().column >= cell.column) {
      auto at = cells_.begin();
      while (at != cells_.end() && at->column < cell.column) ++at;
      if (at != cells_.end() && at->column == cell.column)
        *at = std::move(cell);
      else
        cells_.insert(at, std::move(cell));
      return;
    }
    cells_.push_back(std::move(cell));
  }
  void Flush() {
    if (!cells_.empty()) visit_(static_cast<uint32_t>(row_) + 1, cells_);
    cells_.clear();
  }

 private:
  const SharedStrings& strings_;
  const Visit& visit_;
  const ReadLimits& limits_;
  Formula formula_;
  row_t row_ = -1;
  size_t rows_ = 0;
  std::vector<Cell> cells_;
};

void Formula::commit() {
  if (result_) sheet_.Add(row_, col_, std::move(*result_));
  result_.reset();
}

// Every other sheet (the «Инструкция» of the template …) is read and dropped.
class IgnoredSheet : public iface::import_sheet {
 public:
  void set_auto(row_t, col_t, std::string_view) override {}
  void set_string(row_t, col_t, orcus::spreadsheet::string_id_t) override {}
  void set_value(row_t, col_t, double) override {}
  void set_bool(row_t, col_t, bool) override {}
  void set_date_time(row_t, col_t, int, int, int, int, int, double) override {}
  void set_format(row_t, col_t, size_t) override {}
  void set_format(row_t, col_t, row_t, col_t, size_t) override {}
  void fill_down_cells(row_t, col_t, row_t) override {}
  orcus::spreadsheet::range_size_t get_sheet_size() const override { return {1048576, 16384}; }
};

// "B7", "$B$7", "Sheet!B7", "A1:C3" → positions (orcus asks while reading a sheet's ranges).
class References : public iface::import_reference_resolver {
 public:
  orcus::spreadsheet::src_address_t resolve_address(std::string_view address) override {
    if (size_t bang = address.rfind('!'); bang != std::string_view::npos)
      address.remove_prefix(bang + 1);
    orcus::spreadsheet::src_address_t at{0, 0, 0};
    size_t i = 0;
    int col = 0, row = 0;
    for (; i < address.size(); ++i) {
      const char c = address[i];
      if (c == '$') continue;
      if (c >= 'A' && c <= 'Z')
        col = col * 26 + (c - 'A' + 1);
      else if (c >= 'a' && c <= 'z')
        col = col * 26 + (c - 'a' + 1);
      else
        break;
    }
    for (; i < address.size(); ++i)
      if (address[i] >= '0' && address[i] <= '9') row = row * 10 + (address[i] - '0');
    at.column = col > 0 ? col - 1 : 0;
    at.row = row > 0 ? row - 1 : 0;
    return at;
  }
  orcus::spreadsheet::src_range_t resolve_range(std::string_view range) override {
    const size_t colon = range.find(':');
    auto first = resolve_address(range.substr(0, colon));
    auto last = colon == std::string_view::npos ? first : resolve_address(range.substr(colon + 1));
    return {first, last};
  }
};

class Factory : public iface::import_factory {
 public:
  Factory(const RowSheet::Visit& visit, const ReadLimits& limits)
      : sheet_(strings_, visit, limits) {}
  iface::import_shared_strings* get_shared_strings() override { return &strings_; }
  iface::import_reference_resolver* get_reference_resolver(
      orcus::spreadsheet::formula_ref_context_t) override {
    return &references_;
  }
  iface::import_sheet* append_sheet(orcus::spreadsheet::sheet_t index,
                                    std::string_view name) override {
    names_.emplace_back(name);
    return get_sheet(index);
  }
  iface::import_sheet* get_sheet(std::string_view name) override {
    for (size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return get_sheet(static_cast<orcus::spreadsheet::sheet_t>(i));
    return nullptr;
  }
  iface::import_sheet* get_sheet(orcus::spreadsheet::sheet_t index) override {
    return index == 0 ? static_cast<iface::import_sheet*>(&sheet_) : &ignored_;
  }
  void finalize() override {}
  void Flush() { sheet_.Flush(); }

 private:
  SharedStrings strings_;
  RowSheet sheet_;
  IgnoredSheet ignored_;
  References references_;
  std::vector<std::string> names_;
};

}  // namespace

void CheckXlsxContainer(std::string_view data, const ReadLimits& limits) {
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
  size_t declared_total = 0, total = 0;
  bool workbook = false;
  struct Entry {
    std::string name;
    size_t offset, compressed, declared;
    uint16_t method;
  };
  std::vector<Entry> list;
  for (size_t i = 0; i < entries; ++i) {
    if (U32(data, at) != 0x02014b50) Refuse(kNotXlsx);
    Entry entry;
    entry.method = U16(data, at + 10);
    entry.compressed = U32(data, at + 20);
    entry.declared = U32(data, at + 24);
    const size_t name_length = U16(data, at + 28);
    const size_t skip = name_length + U16(data, at + 30) + U16(data, at + 32);
    entry.offset = U32(data, at + 42);
    if (at + 46 + name_length > data.size()) Refuse(kNotXlsx);
    entry.name = std::string(data.substr(at + 46, name_length));
    at += 46 + skip;
    if (entry.name == "xl/workbook.xml") workbook = true;
    // The declared sizes first: a bomb is refused before a byte is inflated.
    if (entry.declared > limits.max_entry_bytes) Bomb(entry.name, limits.max_entry_bytes);
    declared_total += entry.declared;
    if (declared_total > limits.max_total_bytes)
      Refuse("Файл похож на zip-бомбу: после распаковки больше " +
             Megabytes(limits.max_total_bytes) + ". Такой файл не загружается");
    list.push_back(std::move(entry));
  }
  if (!workbook) Refuse(kNotXlsx);
  for (const Entry& entry : list)
    CountInflated(data, entry.name, entry.offset, entry.compressed, entry.method, entry.declared,
                  limits, total);
}

void ReadFirstSheet(std::string_view file,
                    const std::function<void(uint32_t, const std::vector<Cell>&)>& visit,
                    const ReadLimits& limits) {
  Factory factory(visit, limits);
  try {
    orcus::orcus_xlsx reader(&factory);
    reader.read_stream(file);
  } catch (const ApiError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& error) {
    Refuse(std::string("Не удалось прочитать файл Excel: ") + error.what());
  }
  factory.Flush();
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
