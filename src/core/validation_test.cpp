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
