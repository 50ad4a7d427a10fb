#include "core/phone.hpp"

#include <gtest/gtest.h>

using namespace upravdom::phone;

TEST(Phone, AllRussianFormatsAreOneNumber) {
  for (const char* typed : {"+7 916 123-45-67", "8 916 123 45 67", "8(916)123-45-67", "9161234567",
                            "+79161234567", "7 (916) 1234567"})
    EXPECT_EQ(ToE164(typed).value_or("invalid"), "+79161234567") << typed;
}

TEST(Phone, RejectsInvalid) {
  EXPECT_FALSE(ToE164("12345"));
  EXPECT_FALSE(ToE164("phone"));
  EXPECT_FALSE(ToE164(""));
  EXPECT_FALSE(ToE164("+7 000 000-00-00"));
}

TEST(Phone, FormatsForPeople) {
  EXPECT_EQ(Format("+79161234567"), "+7 916 123-45-67");
}

TEST(Phone, SearchDigitsFollowTrunkPrefix) {
  EXPECT_EQ(SearchDigits("8 916 12"), "791612");
  EXPECT_EQ(SearchDigits("+7 (916)"), "7916");
  EXPECT_EQ(SearchDigits("4567"), "4567");
  EXPECT_EQ(SearchDigits("9161234567"), "79161234567");
  EXPECT_EQ(SearchDigits("45"), "");
}
