#include "domains/access/crypto.hpp"

#include <gtest/gtest.h>

using namespace upravdom::access;

TEST(Crypto, HashesAndVerifiesPasswords) {
  InitCrypto();
  std::string hash = HashPassword("correct horse");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("correct horse", hash));
  EXPECT_FALSE(VerifyPassword("correct hors", hash));
  EXPECT_NE(HashPassword("correct horse"), hash);  // salted
}

TEST(Crypto, TokensAreRandomAndDigestsStable) {
  InitCrypto();
  std::string a = RandomToken(32), b = RandomToken(32);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(TokenDigest(a), TokenDigest(a));
  EXPECT_NE(TokenDigest(a), TokenDigest(b));
  EXPECT_EQ(TokenDigest(a).size(), 64u);
}

TEST(Crypto, RandomDigitsAndDigestComparison) {
  InitCrypto();
  std::string code = RandomDigits(6);
  EXPECT_EQ(code.size(), 6u);
  EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_TRUE(SameDigest(TokenDigest("a"), TokenDigest("a")));
  EXPECT_FALSE(SameDigest(TokenDigest("a"), TokenDigest("b")));
  EXPECT_FALSE(SameDigest("abc", "abcd"));
}
