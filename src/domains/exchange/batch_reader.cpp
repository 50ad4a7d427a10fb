#include "domains/exchange/batch_reader.hpp"

#include <vector>

#include "core/error.hpp"

namespace upravdom::exchange {

namespace {

using json = nlohmann::json;

// SAX events with the nesting depth: depth 1 is inside the batch object, depth 2 inside
// `records`. Subclasses see scalars and containers through Value/Open/Close.
class DepthSax : public nlohmann::json_sax<json> {
 public:
  bool null() override { return Value(json(nullptr)); }
  bool boolean(bool value) override { return Value(json(value)); }
  bool number_integer(number_integer_t value) override { return Value(json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Value(json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return Value(json(value)); }
  bool string(string_t& value) override { return Value(json(std::move(value))); }
  bool binary(binary_t&) override { return Value(json(nullptr)); }
  bool start_object(std::size_t) override { return Open(true); }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& value) override { return Key(value); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    throw ApiError(ErrorCode::kInvalidJson, "Тело запроса — не JSON (ошибка около символа " +
                                                std::to_string(position) + ")");
  }

 protected:
  virtual bool Value(json value) = 0;
  virtual bool Open(bool object) = 0;
  virtual bool Close() = 0;
  virtual bool Key(const std::string& name) = 0;
};

class HeaderSax : public DepthSax {
 public:
  BatchHeader header;
  FieldErrors errors;
  bool saw_records = false;

 private:
  bool Value(json value) override {
    if (depth_ == 0) {
      errors[""] = "Ожидается объект JSON";
      return true;
    }
    if (depth_ == 1) {
      TopLevel(value);
    } else if (depth_ == 2 && in_records_) {
      ++header.records;
    }
    return true;
  }
  bool Open(bool object) override {
    if (depth_ == 0 && !object) errors[""] = "Ожидается объект JSON";
    if (depth_ == 1) {
      if (key_ == "records" && !object) {
        in_records_ = true;
        saw_records = true;
      } else {
        TopLevel(json(nullptr), object ? "object" : "array");
      }
    } else if (depth_ == 2 && in_records_) {
      ++header.records;
    }
    ++depth_;
    return true;
  }
  bool Close() override {
    --depth_;
    if (depth_ == 1) in_records_ = false;
    return true;
  }
  bool Key(const std::string& name) override {
    if (depth_ == 1) key_ = name;
    return true;
  }
  void TopLevel(const json& value, const char* container = nullptr) {
    if (key_ == "records") {
      saw_records = true;
      errors["records"] = "Ожидается массив записей";
    } else if (key_ == "space") {
      if (container || !value.is_string() || (value != "operations" && value != "construction"))
        errors["space"] = "Допустимо: operations или construction";
      else
        header.space = value.get<std::string>();
    } else if (key_ == "source") {
      const std::string* text = value.is_string() ? value.get_ptr<const std::string*>() : nullptr;
      if (container || !text || text->empty() || text->size() > 100)
        errors["source"] = "Ожидается строка от 1 до 100 символов";
      else
        header.source = *text;
    } else if (key_ == "dry_run") {
      if (container || !value.is_boolean())
        errors["dry_run"] = "Ожидается true или false";
      else
        header.dry_run = value.get<bool>();
    } else {
      errors[key_] = "Неизвестное поле";
    }
  }

  int depth_ = 0;
  bool in_records_ = false;
  std::string key_;
};

// Builds each element of `records` as a json value and hands it over when it is complete.
class RecordSax : public DepthSax {
 public:
  explicit RecordSax(const std::function<bool(size_t, json&)>& visit) : visit_(visit) {}

 private:
  bool Value(json value) override {
    if (building()) return Add(std::move(value));
    if (depth_ == 2 && in_records_) return Hand(value);
    return true;
  }
  bool Open(bool object) override {
    if (building()) {
      Add(object ? json::object() : json::array());
    } else if (depth_ == 2 && in_records_) {
      root_ = object ? json::object() : json::array();
      stack_.push_back(&root_);
    } else if (depth_ == 1 && key_ == "records") {
      in_records_ = true;
    }
    ++depth_;
    return true;
  }
  bool Close() override {
    --depth_;
    if (!stack_.empty()) {
      stack_.pop_back();
      if (stack_.empty()) return Hand(root_);
      return true;
    }
    if (depth_ == 1) in_records_ = false;
    return true;
  }
  bool Key(const std::string& name) override {
    if (building())
      member_ = name;
    else if (depth_ == 1)
      key_ = name;
    return true;
  }

  bool building() const { return !stack_.empty(); }
  // Puts a value into the innermost open container; a container becomes the innermost.
  bool Add(json value) {
    json& parent = *stack_.back();
    const bool container = value.is_structured();
    json* placed;
    if (parent.is_object()) {
      placed = &(parent[member_] = std::move(value));
    } else {
      parent.push_back(std::move(value));
      placed = &parent.back();
    }
    if (container) stack_.push_back(placed);
    return true;
  }
  bool Hand(json& record) { return visit_(index_++, record); }

  const std::function<bool(size_t, json&)>& visit_;
  int depth_ = 0;
  bool in_records_ = false;
  std::string key_, member_;
  json root_;
  std::vector<json*> stack_;
  size_t index_ = 0;
};

}  // namespace

BatchHeader ReadBatchHeader(std::string_view body) {
  HeaderSax sax;
  json::sax_parse(body.begin(), body.end(), &sax);
  if (!sax.saw_records) sax.errors["records"] = "Обязательное поле";
  if (sax.errors.empty() && sax.header.records == 0) sax.errors["records"] = "Пакет без записей";
  if (sax.header.records > kMaxRecords)
    sax.errors["records"] = "Не более " + std::to_string(kMaxRecords) + " записей в пакете";
  if (!sax.errors.empty()) ThrowValidation(sax.errors, "Пакет импорта не прочитан");
  return sax.header;
}

void ForEachRecord(std::string_view body, const std::function<bool(size_t, json&)>& visit) {
  RecordSax sax(visit);
  json::sax_parse(body.begin(), body.end(), &sax);
}

}  // namespace upravdom::exchange
