#include "domains/accounts/model.hpp"

#include <gtest/gtest.h>

namespace upravdom::accounts {
namespace {

TEST(UnifiedAccountTest, NormalisesCaseAndSpaces) {
  EXPECT_EQ(NormalizeUnifiedAccount("12АБ345678"), "12АБ345678");
  EXPECT_EQ(NormalizeUnifiedAccount("12аб345678"), "12АБ345678");
  EXPECT_EQ(NormalizeUnifiedAccount(" 12 аБ 345 678 "), "12АБ345678");
  EXPECT_EQ(NormalizeUnifiedAccount("99ёя000000"), "99ЁЯ000000");
}

TEST(UnifiedAccountTest, RejectsOtherForms) {
  for (const char* bad : {"", "12AB345678" /* Latin */, "12АБ34567", "12АБ3456789", "1ААБ345678",
                          "12А1345678", "АБ12345678", "12АБ34567Б", "12-АБ-345678", "12ΑΒ345678"})
    EXPECT_FALSE(NormalizeUnifiedAccount(bad)) << bad;
}

TEST(PeriodTest, MonthsOfTheCentury) {
  EXPECT_TRUE(IsPeriod("2026-10"));
  EXPECT_TRUE(IsPeriod("2000-01"));
  EXPECT_FALSE(IsPeriod("2026-13"));
  EXPECT_FALSE(IsPeriod("2026-00"));
  EXPECT_FALSE(IsPeriod("1999-12"));
  EXPECT_FALSE(IsPeriod("2026-1"));
  EXPECT_FALSE(IsPeriod("2026/10"));
  EXPECT_FALSE(IsPeriod("2026-10-01"));
}

}  // namespace
}  // namespace upravdom::accounts
