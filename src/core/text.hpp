// Text normalisation shared by validation and search. The SQLite build has no ICU, so all
// case folding happens here, in the application, before text reaches the database.
#pragma once

#include <string>
#include <string_view>

namespace upravdom::text {

// Case-folded, ё→е, whitespace collapsed and trimmed: the form stored in search columns and
// used for search terms, so "Ёлкин  " and "ЕЛКИН" compare equal.
std::string FoldForSearch(std::string_view utf8);
// Leading and trailing ASCII/Unicode whitespace removed.
std::string Trim(std::string_view utf8);
// Number of Unicode code points (for length limits users can understand).
size_t CodePointCount(std::string_view utf8);
// The first `characters` code points, with «…» when the text was longer; never cuts a
// letter in two (for quoting user input in a message).
std::string Clip(std::string_view utf8, size_t characters);
// True when the text is valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace upravdom::text
