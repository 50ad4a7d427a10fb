#include "domains/links/model.hpp"

#include <gtest/gtest.h>

namespace upravdom::links {
namespace {

TEST(ShareTest, FractionsAreReducedAndNormalised) {
  auto half = ParseShare("1/2");
  ASSERT_TRUE(half);
  EXPECT_EQ(half->numerator, 1);
  EXPECT_EQ(half->denominator, 2);
  EXPECT_EQ(half->text, "1/2");
  auto two_quarters = ParseShare(" 2 / 4 ");
  ASSERT_TRUE(two_quarters);
  EXPECT_EQ(two_quarters->text, "1/2");
  EXPECT_EQ(ParseShare("1/1")->text, "1/1");
  EXPECT_EQ(ParseShare("2/3")->denominator, 3);
}

TEST(ShareTest, PercentagesAreExact) {
  auto half = ParseShare("50%");
  ASSERT_TRUE(half);
  EXPECT_EQ(half->numerator, 1);
  EXPECT_EQ(half->denominator, 2);
  EXPECT_EQ(half->text, "50%");
  auto third = ParseShare("33,5 %");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->text, "33.5%");
  EXPECT_EQ(third->numerator, 67);
  EXPECT_EQ(third->denominator, 200);
  EXPECT_EQ(ParseShare("50.00%")->text, "50%");
  EXPECT_EQ(ParseShare("100%")->text, "100%");
  EXPECT_EQ(ParseShare("0.0001%")->denominator, 1'000'000);
}

TEST(ShareTest, RejectsWhatIsNotAShare) {
  for (const char* bad : {"", "1", "1/0", "0/5", "3/2", "-1/2", "1/2/3", "abc", "101%", "0%",
                          "50.%", "%", "1.5/2", "0.00001%", "1/10000000", "½"})
    EXPECT_FALSE(ParseShare(bad)) << bad;
}

TEST(ShareTest, SumIsExact) {
  auto share = [](const char* text) { return *ParseShare(text); };
  EXPECT_FALSE(SharesExceedWhole({share("1/3"), share("1/3"), share("1/3")}));
  EXPECT_FALSE(SharesExceedWhole({share("1/2"), share("50%")}));
  EXPECT_TRUE(SharesExceedWhole({share("1/2"), share("50.0001%")}));
  EXPECT_TRUE(SharesExceedWhole({share("2/3"), share("1/3"), share("1/1000000")}));
  // Many coprime denominators: no overflow, still exact.
  EXPECT_FALSE(SharesExceedWhole({share("1/999983"), share("1/999979"), share("1/999961"),
                                  share("1/999959"), share("1/999953"), share("1/999931"),
                                  share("1/999917"), share("99/100")}));
  EXPECT_FALSE(SharesExceedWhole({}));
}

TEST(LinkTest, MissingMeetingDataOnlyForOwners) {
  Link link;
  link.role = "owner";
  EXPECT_EQ(MissingForMeeting(link),
            (std::vector<std::string>{"ddu_number", "ddu_date", "ownership_share"}));
  link.ddu_number = std::string("ДДУ-1");
  link.ddu_date = std::string("2020-01-01");
  link.ownership_share = std::string("1/2");
  EXPECT_TRUE(MissingForMeeting(link).empty());
  Link tenant;
  tenant.role = "tenant";
  EXPECT_TRUE(MissingForMeeting(tenant).empty());
}

}  // namespace
}  // namespace upravdom::links
