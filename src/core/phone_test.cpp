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

TEST(Phone, DigitsBeginningWith8AreAlsoLookedForAsTyped) {
  EXPECT_EQ(SearchDigitsAsTyped("8036"), "8036");
  EXPECT_EQ(SearchDigitsAsTyped("80-36"), "8036");
  EXPECT_EQ(SearchDigitsAsTyped("8 916 12"), "891612");  // "791612" or a run inside a number
  EXPECT_EQ(SearchDigitsAsTyped("4567"), std::nullopt);
  EXPECT_EQ(SearchDigitsAsTyped("9161234567"), std::nullopt);  // inside 79161234567
  EXPECT_EQ(SearchDigitsAsTyped("+7 8036"), std::nullopt);     // «+»: no trunk 8
  EXPECT_EQ(SearchDigitsAsTyped("80"), std::nullopt);
}

TEST(Phone, SearchDigitsFollowTrunkPrefix) {
  EXPECT_EQ(SearchDigits("8 916 12"), "791612");
  EXPECT_EQ(SearchDigits("+7 (916)"), "7916");
  EXPECT_EQ(SearchDigits("4567"), "4567");
  EXPECT_EQ(SearchDigits("9161234567"), "79161234567");
  EXPECT_EQ(SearchDigits("45"), "");
}

TEST(Phone, FastPathAgreesWithLibphonenumber) {
  // Every mobile range 900…999, in the formats people and accounting systems write.
  for (int code = 900; code <= 999; ++code) {
    const std::string n = std::to_string(code) + "1234567";
    for (const std::string& typed : {"+7" + n, "8" + n, "7" + n, n,
                                     "+7 (" + n.substr(0, 3) + ") " + n.substr(3, 3) + "-" +
                                         n.substr(6, 2) + "-" + n.substr(8),
                                     "8 " + n.substr(0, 3) + " " + n.substr(3)}) {
      EXPECT_EQ(ToE164(typed), ParseNumber(typed)) << typed;
    }
  }
  for (const char* odd :
       {"+8 912 345 67 89", "++79123456789", "8912345678", "89123456789x", "+7 912 345 67 890",
        "9123456789 доб. 12", "+79123456789", "8-800-555-35-35"})
    EXPECT_EQ(ToE164(odd), ParseNumber(odd)) << odd;
}

TEST(Phone, FormatFastPathAgreesWithLibphonenumber) {
  for (int code = 900; code <= 999; ++code)
    for (const char* rest : {"1234567", "0000000", "9999999"}) {
      const std::string e164 = "+7" + std::to_string(code) + rest;
      EXPECT_EQ(Format(e164), FormatWithLibphonenumber(e164)) << e164;
    }
  for (const char* other : {"+74951234567", "+78005553535", "+375291234567", "+7912345678", "x"})
    EXPECT_EQ(Format(other), FormatWithLibphonenumber(other)) << other;
}
