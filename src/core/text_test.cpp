#include "core/text.hpp"

#include <gtest/gtest.h>

using namespace upravdom::text;

TEST(FoldForSearch, FoldsCaseAndYo) {
  EXPECT_EQ(FoldForSearch("Ёлкин"), "елкин");
  EXPECT_EQ(FoldForSearch("ЁЛКИН"), "елкин");
  EXPECT_EQ(FoldForSearch("ул. ЛЕНИНА"), "ул. ленина");
}

TEST(FoldForSearch, CollapsesWhitespace) {
  EXPECT_EQ(FoldForSearch("  ЖК   Солнечный \t"), "жк солнечный");
  EXPECT_EQ(FoldForSearch(""), "");
}

TEST(Trim, RemovesUnicodeSpaces) {
  EXPECT_EQ(Trim("  Дом  "), "Дом");
  EXPECT_EQ(Trim("\xC2\xA0x\xC2\xA0"), "x");  // no-break spaces
  EXPECT_EQ(Trim("   "), "");
  EXPECT_EQ(Trim("Дом"), "Дом");
  EXPECT_EQ(Trim("Дом\xE3\x80\x80"), "Дом");  // an ideographic space at the end only
  EXPECT_EQ(Trim("\xE2\x80\x83Дом"), "Дом");  // an em space at the start only
  EXPECT_EQ(Trim("x y"), "x y");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("a\xFF"
                 "b"),
            "a\xEF\xBF\xBD"
            "b");  // invalid UTF-8 still becomes U+FFFD
}

TEST(CodePointCount, CountsCyrillicAsOne) {
  EXPECT_EQ(CodePointCount("Дом"), 3u);
}

TEST(IsValidUtf8, RejectsBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8("Дом"));
  EXPECT_FALSE(IsValidUtf8("\xD0"));
  EXPECT_FALSE(IsValidUtf8("\xFF\xFE"));
}
