#include "db/search_rowid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace upravdom::db {
namespace {

// A folded name of random parts: Russian letters mostly, and what else a name_sort can hold.
std::string RandomName(std::mt19937& rng) {
  static const std::vector<std::string> parts = {
      "а", "б", "в", "е", "и", "к", "л", "о", "п", "р", "с", "т", "ш", "щ",  "ъ",  "ы",
      "ь", "э", "ю", "я", " ", "-", "a", "z", "0", "9", "ё", "і", "ω", "中", "\"", "."};
  std::string name;
  const int length = std::uniform_int_distribution<int>(0, 9)(rng);
  for (int i = 0; i < length; ++i)
    name += parts[std::uniform_int_distribution<size_t>(0, parts.size() - 1)(rng)];
  return name;
}

TEST(SearchRowid, BucketsKeepTheNamesOrder) {
  std::mt19937 rng(20261127);
  std::vector<std::string> names;
  for (int i = 0; i < 20000; ++i) names.push_back(RandomName(rng));
  std::sort(names.begin(), names.end());  // bytewise, as SQLite orders name_sort
  for (size_t i = 1; i < names.size(); ++i)
    ASSERT_LE(SearchRowidBucket(ClientSearchRowid(names[i - 1], 1)),
              SearchRowidBucket(ClientSearchRowid(names[i], 1)))
        << "«" << names[i - 1] << "» before «" << names[i] << "»";
}

TEST(SearchRowid, BucketsTellNamesApartByTheirFirstFiveLetters) {
  EXPECT_LT(SearchRowidBucket(ClientSearchRowid("абрамов", 1)),
            SearchRowidBucket(ClientSearchRowid("абрасов", 1)));
  EXPECT_LT(SearchRowidBucket(ClientSearchRowid("ли", 1)),
            SearchRowidBucket(ClientSearchRowid("ли ан", 1)));
  EXPECT_EQ(SearchRowidBucket(ClientSearchRowid("шевченко анна", 1)),
            SearchRowidBucket(ClientSearchRowid("шевченков олег", 2)));
  EXPECT_LT(SearchRowidBucket(ClientSearchRowid("шевченко анна", 1)),
            SearchRowidBucket(ClientSearchRowid("шевчук олег", 2)));
  EXPECT_LT(SearchRowidBucket(ClientSearchRowid("", 1)),
            SearchRowidBucket(ClientSearchRowid("а", 1)));
}

TEST(SearchRowid, ABucketsNamesAreExactlyItsRange) {
  std::mt19937 rng(7);
  std::vector<std::string> names;
  for (int i = 0; i < 3000; ++i) names.push_back(RandomName(rng));
  names.push_back("ли");
  names.push_back("ли ан");
  names.push_back("лиана");
  for (size_t i = 0; i < names.size(); i += 7) {
    const long long bucket = SearchRowidBucket(ClientSearchRowid(names[i], 1));
    const NameRange range = SearchBucketNames(bucket);
    for (const std::string& other : names) {
      const bool inside = other >= range.low && other < range.high;
      ASSERT_EQ(inside, SearchRowidBucket(ClientSearchRowid(other, 1)) == bucket)
          << "«" << other << "» and the bucket of «" << names[i] << "»: [" << range.low << ", "
          << range.high << ")";
    }
  }
}

TEST(SearchRowid, TheLowHalfIsTheClient) {
  for (long long id : {0LL, 1LL, 123456789LL, 0xFFFFFFFFLL}) {
    const long long rowid = ClientSearchRowid("яковлева яна", id);
    EXPECT_GT(rowid, 0);
    EXPECT_EQ(ClientOfSearchRowid(rowid), id);
  }
  EXPECT_THROW(ClientSearchRowid("а", 0x100000000LL), std::out_of_range);
}

TEST(SearchRowid, OrganisationTokensAreThreeDistinctCodePoints) {
  EXPECT_EQ(OrganizationSearchToken(1), "一一丁");
  EXPECT_EQ(OrganizationSearchToken(1).size(), 9u);  // three 3-byte code points
  EXPECT_NE(OrganizationSearchToken(2), OrganizationSearchToken(1));
  EXPECT_NE(OrganizationSearchToken(8193), OrganizationSearchToken(1));
}

}  // namespace
}  // namespace upravdom::db
