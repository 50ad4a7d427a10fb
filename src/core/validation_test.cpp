#include "core/validation.hpp"

#include <gtest/gtest.h>

using namespace upravdom::validation;

TEST(Inn, AcceptsValidTenDigit) {
  EXPECT_FALSE(CheckInn("7707083893"));  // ПАО Сбербанк
  EXPECT_FALSE(CheckInn("7736207543"));
}

TEST(Inn, AcceptsValidTwelveDigit) {
  EXPECT_FALSE(CheckInn("500100732259"));
}

TEST(Inn, RejectsWrongCheckDigit) {
  EXPECT_EQ(CheckInn("7707083894").value(), "Неверное контрольное число ИНН");
  EXPECT_TRUE(CheckInn("1234567890"));
  EXPECT_TRUE(CheckInn("500100732258"));
}

TEST(Inn, RejectsWrongLengthAndLetters) {
  EXPECT_TRUE(CheckInn(""));
  EXPECT_TRUE(CheckInn("770708389"));
  EXPECT_TRUE(CheckInn("77070838930"));
  EXPECT_TRUE(CheckInn("77070838a3"));
}

TEST(Kpp, AcceptsDigitsAndLetters) {
  EXPECT_FALSE(CheckKpp("773601001"));
  EXPECT_FALSE(CheckKpp("7736AB001"));
  EXPECT_TRUE(CheckKpp("77360100"));
  EXPECT_TRUE(CheckKpp("AB3601001"));
}

TEST(Ogrn, ChecksThirteenAndFifteenDigits) {
  EXPECT_FALSE(CheckOgrn("1027700132195"));  // ПАО Сбербанк
  EXPECT_TRUE(CheckOgrn("1027700132196"));
  EXPECT_FALSE(CheckOgrn("304500116000157"));  // an ОГРНИП
  EXPECT_TRUE(CheckOgrn("304500116000158"));
  EXPECT_TRUE(CheckOgrn("12345"));
}

TEST(Snils, ChecksChecksum) {
  EXPECT_FALSE(CheckSnils("112-233-445 95"));
  EXPECT_FALSE(CheckSnils("11223344595"));
  EXPECT_EQ(CheckSnils("112-233-445 96").value(), "Неверная контрольная сумма СНИЛС");
  EXPECT_TRUE(CheckSnils("112-233-445"));
  EXPECT_TRUE(CheckSnils("1122334459x"));
}

TEST(PersonName, AllowsLettersOfAnyScriptSpacesAndHyphens) {
  EXPECT_FALSE(CheckPersonName("Анна-Мария"));
  EXPECT_FALSE(CheckPersonName("Ёлкин"));
  EXPECT_FALSE(CheckPersonName("Jean Luc"));
  EXPECT_FALSE(CheckPersonName("Ərdoğan"));
  EXPECT_TRUE(CheckPersonName("Иван3"));
  EXPECT_TRUE(CheckPersonName("Иван!"));
}

TEST(Email, NeedsAtAndDomain) {
  EXPECT_FALSE(CheckEmail("ivan@example.ru"));
  EXPECT_TRUE(CheckEmail("ivan.example.ru"));
  EXPECT_TRUE(CheckEmail("ivan@localhost"));
  EXPECT_TRUE(CheckEmail("iv an@example.ru"));
  // Nothing that could end a mail header or an SMTP command, or separate addresses.
  for (const char* bad :
       {"x@example.ru\r\nBcc: victim@evil.ru", "x@example.ru\n", "x\t@example.ru", "<x@example.ru>",
        "x@example.ru,y@example.ru", "x;y@example.ru", "\"x\"@example.ru"})
    EXPECT_TRUE(CheckEmail(bad)) << bad;
  EXPECT_FALSE(CheckEmail("first.last+tag@sub.example.ru"));
}

TEST(Date, ValidatesCalendarAndFuture) {
  EXPECT_FALSE(CheckDate("1980-02-29", true));
  EXPECT_TRUE(CheckDate("1981-02-29", true));
  EXPECT_TRUE(CheckDate("2999-01-01", true));
  EXPECT_FALSE(CheckDate("2999-01-01", false));
  EXPECT_TRUE(CheckDate("01.02.1980", true));
}
