#include "core/address.hpp"

#include <gtest/gtest.h>

using namespace upravdom::address;

TEST(StreetKey, DropsAbbreviationsAndCase) {
  EXPECT_EQ(StreetKey("ул. Ленина"), "ленина");
  EXPECT_EQ(StreetKey("пр-т Мира"), "мира");
  EXPECT_EQ(StreetKey("Проспект  Мира"), "мира");
  EXPECT_EQ(StreetKey("ул. 8 Марта"), "8 марта");
  EXPECT_EQ(StreetKey("ул. Ёлочная"), "елочная");
}

TEST(HouseKey, JoinsLettersFractionsAndBlocks) {
  EXPECT_EQ(HouseKey("10"), "10");
  EXPECT_EQ(HouseKey("10А"), "10а");
  EXPECT_EQ(HouseKey("10 А"), "10а");
  EXPECT_EQ(HouseKey("10/2"), "10/2");
  EXPECT_EQ(HouseKey("10к2"), "10к2");
  EXPECT_EQ(HouseKey("10 к2"), "10к2");
  EXPECT_EQ(HouseKey("10 корп. 2"), "10к2");
  EXPECT_EQ(HouseKey("10 корпус 2"), "10к2");
  EXPECT_EQ(HouseKey("10 стр. 1"), "10с1");
  EXPECT_EQ(HouseKey("10корп2"), "10к2");
  EXPECT_EQ(HouseKey("д. 10"), "10");
}

TEST(NaturalKey, SortsNumbersNaturally) {
  EXPECT_LT(NaturalKey("2"), NaturalKey("10"));
  EXPECT_LT(NaturalKey("9"), NaturalKey("10"));
  EXPECT_LT(NaturalKey("10"), NaturalKey("10а"));
  EXPECT_LT(NaturalKey("10а"), NaturalKey("10к2"));
  EXPECT_LT(NaturalKey("10"), NaturalKey("105"));
  EXPECT_EQ(NaturalKey("007"), NaturalKey("7"));
}

TEST(ParseAddressQuery, StreetHousePremise) {
  for (const char* q : {"Ленина 10 5", "ул. Ленина, д. 10, кв. 5", "ЛЕНИНА 10 5", "ленина 10 кв 5",
                        "улица Ленина дом 10 квартира 5"}) {
    AddressQuery a = ParseAddressQuery(q);
    ASSERT_EQ(a.street_terms, std::vector<std::string>{"ленина"}) << q;
    EXPECT_EQ(a.house.value_or(""), "10") << q;
    EXPECT_EQ(a.number.value_or(""), "5") << q;
  }
}

TEST(ParseAddressQuery, WithoutStreet) {
  AddressQuery a = ParseAddressQuery("10 5");
  EXPECT_TRUE(a.street_terms.empty());
  EXPECT_EQ(a.house.value_or(""), "10");
  EXPECT_EQ(a.number.value_or(""), "5");
  a = ParseAddressQuery("5");
  EXPECT_FALSE(a.house);
  EXPECT_EQ(a.number.value_or(""), "5");
  a = ParseAddressQuery("кв. 5");
  EXPECT_EQ(a.number.value_or(""), "5");
}

TEST(ParseAddressQuery, HouseForms) {
  EXPECT_EQ(ParseAddressQuery("Мира 25А").house.value_or(""), "25а");
  EXPECT_EQ(ParseAddressQuery("мира 25 а").house.value_or(""), "25а");
  AddressQuery a = ParseAddressQuery("10к2 7");
  EXPECT_EQ(a.house.value_or(""), "10к2");
  EXPECT_EQ(a.number.value_or(""), "7");
  a = ParseAddressQuery("10 корп. 2 7");
  EXPECT_EQ(a.house.value_or(""), "10к2");
  EXPECT_EQ(a.number.value_or(""), "7");
  a = ParseAddressQuery("пр-т Мира, 25 а, кв 100");
  EXPECT_EQ(a.street_terms, std::vector<std::string>{"мира"});
  EXPECT_EQ(a.house.value_or(""), "25а");
  EXPECT_EQ(a.number.value_or(""), "100");
}

TEST(ParseAddressQuery, StreetWithDigits) {
  AddressQuery a = ParseAddressQuery("8 Марта 10 5");
  EXPECT_EQ(a.street_terms, (std::vector<std::string>{"8", "марта"}));
  EXPECT_EQ(a.house.value_or(""), "10");
  EXPECT_EQ(a.number.value_or(""), "5");
}

TEST(ParseAddressQuery, NothingSearchable) {
  EXPECT_TRUE(ParseAddressQuery("").empty());
  EXPECT_TRUE(ParseAddressQuery(" ,.;:!? -/ ").empty());
  EXPECT_TRUE(ParseAddressQuery("ул. д. кв.").empty());
  EXPECT_TRUE(ParseAddressQuery("1 2 3").impossible);
  EXPECT_TRUE(ParseAddressQuery("Ёлочная").street_terms == std::vector<std::string>{"елочная"});
}
