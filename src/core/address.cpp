#include "core/address.hpp"

#include <cctype>
#include <set>

#include "core/text.hpp"

namespace upravdom::address {

namespace {

// Words that only say what kind of address part follows.
const std::set<std::string>& Abbreviations() {
  static const std::set<std::string> words = {
      "ул",      "улица",     "пр",         "пр-т",        "пр-кт",       "просп",      "проспект",
      "пер",     "переулок",  "ш",          "шоссе",       "б-р",         "бульвар",    "пл",
      "площадь", "наб",       "набережная", "мкр",         "мкрн",        "микрорайон", "проезд",
      "пр-д",    "туп",       "тупик",      "д",           "дом",         "кв",         "квартира",
      "пом",     "помещение", "м/м",        "мм",          "машиноместо", "кл",         "кладовая",
      "уч",      "участок",   "апарт",      "апартаменты", "комн",        "комната",    "секц",
      "секция",  "г",         "город",      "пос",         "поселок",     "п",          "кп",
      "снт",     "№",         "n",          "no"};
  return words;
}

// Markers of a building block within a house number: "корп. 2" → "к2", "стр. 1" → "с1".
std::optional<char> BlockMarker(const std::string& word) {
  if (word == "к" || word == "корп" || word == "корпус" || word == "k") return 'k';
  if (word == "с" || word == "стр" || word == "строение") return 's';
  return std::nullopt;
}

std::string MarkerText(char marker) {
  return marker == 'k' ? "к" : "с";
}

bool StartsWithDigit(const std::string& token) {
  return !token.empty() && token[0] >= '0' && token[0] <= '9';
}

bool IsNumber(const std::string& token) {
  return !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
}

// One letter (Cyrillic letters are 2 bytes in UTF-8, Latin 1).
bool IsSingleLetter(const std::string& token) {
  return text::CodePointCount(token) == 1 && !StartsWithDigit(token);
}

// Folded tokens: commas, dots and quotes are separators; '-' and '/' stay inside tokens.
std::vector<std::string> Tokenize(std::string_view input) {
  std::string folded = text::FoldForSearch(input);
  std::string cleaned;
  cleaned.reserve(folded.size());
  for (size_t i = 0; i < folded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(folded[i]);
    bool separator = c == ',' || c == '.' || c == ';' || c == ':' || c == '"' || c == '\'' ||
                     c == '(' || c == ')' || c == '#' || c == '\t';
    // « » № (UTF-8: C2 AB, C2 BB, E2 84 96)
    if (c == 0xC2 && i + 1 < folded.size() &&
        (static_cast<unsigned char>(folded[i + 1]) == 0xAB ||
         static_cast<unsigned char>(folded[i + 1]) == 0xBB)) {
      cleaned += ' ';
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < folded.size() && static_cast<unsigned char>(folded[i + 1]) == 0x84 &&
        static_cast<unsigned char>(folded[i + 2]) == 0x96) {
      cleaned += ' ';
      i += 2;
      continue;
    }
    cleaned += separator ? ' ' : static_cast<char>(c);
  }
  std::vector<std::string> tokens;
  size_t start = 0;
  while (start < cleaned.size()) {
    size_t end = cleaned.find(' ', start);
    if (end == std::string::npos) end = cleaned.size();
    if (end > start) {
      std::string token = cleaned.substr(start, end - start);
      // Only tokens with a letter or a digit count ("-", "/", "!?" do not).
      bool meaningful = false;
      for (unsigned char c : token) meaningful = meaningful || c >= 0x80 || std::isalnum(c);
      if (meaningful) tokens.push_back(token);
    }
    start = end + 1;
  }
  return tokens;
}

// A block marker glued to its number but apart from the house: "к2", "корп2", "стр1".
std::optional<std::string> GluedBlock(const std::string& token) {
  size_t digits = token.find_first_of("0123456789");
  if (digits == 0 || digits == std::string::npos || !IsNumber(token.substr(digits)))
    return std::nullopt;
  auto marker = BlockMarker(token.substr(0, digits));
  if (!marker) return std::nullopt;
  return MarkerText(*marker) + token.substr(digits);
}

// Glued forms inside one token: "10корп2" → "10к2", "10стр1" → "10с1", "10 k 2" handled by
// the merger; Latin 'k' → Cyrillic 'к'.
std::string NormalizeHouseToken(std::string token) {
  auto replace = [&token](const std::string& from, const std::string& to) {
    for (size_t at = token.find(from); at != std::string::npos;
         at = token.find(from, at + to.size()))
      token.replace(at, from.size(), to);
  };
  replace("корпус", "к");
  replace("корп", "к");
  replace("строение", "с");
  replace("стр", "с");
  replace("k", "к");
  return token;
}

// Merges house-number parts into single tokens: "10" "а" → "10а"; "10" "корп" "2" → "10к2";
// "10" "к2" → "10к2"; and drops abbreviations.
std::vector<std::string> MergeNumbers(const std::vector<std::string>& tokens) {
  std::vector<std::string> merged;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    const bool after_number = !merged.empty() && StartsWithDigit(merged.back());
    if (after_number) {
      if (auto marker = BlockMarker(token);
          marker && i + 1 < tokens.size() && IsNumber(tokens[i + 1])) {
        merged.back() += MarkerText(*marker) + tokens[i + 1];
        ++i;
        continue;
      }
      if (auto block = GluedBlock(token)) {  // "10 к2"
        merged.back() += *block;
        continue;
      }
      if (IsSingleLetter(token) && !Abbreviations().count(token) && !BlockMarker(token)) {
        merged.back() += token;  // "10 а" → "10а"
        continue;
      }
      if (token[0] == '/' && token.size() > 1) {  // "10 /2"
        merged.back() += token;
        continue;
      }
    }
    if (Abbreviations().count(token)) continue;
    merged.push_back(StartsWithDigit(token) ? NormalizeHouseToken(token) : token);
  }
  return merged;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

}  // namespace

std::string StreetKey(std::string_view street) {
  std::vector<std::string> words;
  for (const std::string& token : Tokenize(street))
    if (!Abbreviations().count(token)) words.push_back(token);
  return Join(words);
}

std::string HouseKey(std::string_view house) {
  std::string key;
  for (const std::string& token : MergeNumbers(Tokenize(house))) key += token;
  return key;
}

std::string NumberKey(std::string_view number) {
  return HouseKey(number);
}

std::string NaturalKey(std::string_view key) {
  std::string out;
  size_t i = 0;
  while (i < key.size()) {
    if (key[i] >= '0' && key[i] <= '9') {
      size_t end = i;
      while (end < key.size() && key[end] >= '0' && key[end] <= '9') ++end;
      std::string_view digits = key.substr(i, end - i);
      while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
      if (digits.size() < 10) out.append(10 - digits.size(), '0');
      out += digits;
      i = end;
    } else {
      out += key[i++];
    }
  }
  return out;
}

AddressQuery ParseAddressQuery(std::string_view query) {
  AddressQuery parsed;
  std::vector<std::string> tokens = MergeNumbers(Tokenize(query));
  // The street is everything up to the last word ("8 марта" keeps its number); the numbers
  // after it are house, then premise.
  size_t last_word = std::string::npos;
  for (size_t i = 0; i < tokens.size(); ++i)
    if (!StartsWithDigit(tokens[i])) last_word = i;
  std::vector<std::string> numbers;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (last_word != std::string::npos && i <= last_word)
      parsed.street_terms.push_back(tokens[i]);
    else
      numbers.push_back(tokens[i]);
  }
  if (!parsed.street_terms.empty()) {
    if (numbers.size() >= 1) parsed.house = numbers[0];
    if (numbers.size() >= 2) parsed.number = numbers[1];
  } else if (numbers.size() == 1) {
    parsed.number = numbers[0];
  } else if (numbers.size() >= 2) {
    parsed.house = numbers[0];
    parsed.number = numbers[1];
  }
  parsed.impossible = numbers.size() > 2;
  return parsed;
}

}  // namespace upravdom::address
