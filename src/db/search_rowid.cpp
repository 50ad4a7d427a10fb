#include "db/search_rowid.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace upravdom::db {

namespace {

constexpr int kLetters = 5;  // the name's first letters in the bucket, 6 bits each
constexpr int kOther = 1;    // a code point below «а» (space, hyphen, digits, Latin …)
constexpr int kAbove = 34;   // a code point above «я»

// The next code point of UTF-8 text (invalid bytes read as themselves).
char32_t NextCodePoint(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (i + extra >= text.size()) extra = 0;  // a sequence cut short: its lead byte alone
  char32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  i += 1 + extra;
  return cp;
}

}  // namespace

long long ClientSearchRowid(std::string_view name_sort, long long client_id) {
  if (client_id < 0 || client_id > 0xFFFFFFFFLL)
    throw std::out_of_range("client id beyond the search index's 32 bits");
  // Each letter's code keeps the order of name_sort (lowercase, ё as е, compared bytewise,
  // i.e. by code point): а…я are 2…33, the end of the name 0. Code points outside а…я share
  // one code below or above them; after such a one the rest are 0, so that names differing
  // only there still get keys in their order (equal ones).
  long long bucket = 0;
  size_t i = 0;
  bool ended = false;
  for (int letter = 0; letter < kLetters; ++letter) {
    int code = 0;
    if (!ended && i < name_sort.size()) {
      const char32_t cp = NextCodePoint(name_sort, i);
      if (cp < U'а') {
        code = kOther;
      } else if (cp > U'я') {
        code = kAbove;
      } else {
        code = static_cast<int>(cp - U'а') + 2;
      }
      ended = code == kOther || code == kAbove;
    } else {
      ended = true;
    }
    bucket = bucket * 64 + code;
  }
  return bucket << 32 | client_id;
}

namespace {

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

NameRange SearchBucketNames(long long bucket) {
  std::string prefix;
  for (int letter = kLetters - 1; letter >= 0; --letter) {
    const int code = static_cast<int>((bucket >> (6 * letter)) & 0x3F);
    if (code == 0) return {prefix, prefix + '\x01'};  // the name ends here: exactly it
    if (code == kOther) {                             // a code point below «а» next
      NameRange range{prefix + '\x01', prefix};
      AppendUtf8(range.high, U'а');
      return range;
    }
    if (code == kAbove) {  // a code point above «я» next
      NameRange range{prefix, prefix + '\xFF'};
      AppendUtf8(range.low, U'я' + 1);
      return range;
    }
    AppendUtf8(prefix, U'а' + static_cast<char32_t>(code - 2));
  }
  return {prefix, prefix + '\xFF'};  // five letters: every name they begin
}

std::string OrganizationSearchToken(long long organization_id) {
  std::string token;
  for (int shift = 26; shift >= 0; shift -= 13)
    AppendUtf8(token, U'\u4E00' + static_cast<char32_t>((organization_id >> shift) & 0x1FFF));
  return token;
}

namespace {

void SearchRowidFunction(sqlite3_context* context, int, sqlite3_value** args) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  const int size = sqlite3_value_bytes(args[0]);
  try {
    sqlite3_result_int64(
        context, ClientSearchRowid(std::string_view(text ? text : "", static_cast<size_t>(size)),
                                   sqlite3_value_int64(args[1])));
  } catch (const std::exception& error) {
    sqlite3_result_error(context, error.what(), -1);
  }
}

void OrganizationTokenFunction(sqlite3_context* context, int, sqlite3_value** args) {
  const std::string token = OrganizationSearchToken(sqlite3_value_int64(args[0]));
  sqlite3_result_text(context, token.data(), static_cast<int>(token.size()), SQLITE_TRANSIENT);
}

}  // namespace

void RegisterSearchFunctions(void* native) {
  auto* connection = static_cast<sqlite3*>(native);
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  sqlite3_create_function(connection, "upravdom_client_search_rowid", 2, flags, nullptr,
                          &SearchRowidFunction, nullptr, nullptr);
  sqlite3_create_function(connection, "upravdom_organization_search_token", 1, flags, nullptr,
                          &OrganizationTokenFunction, nullptr, nullptr);
}

}  // namespace upravdom::db
