#include "domains/history/history.hpp"

#include <gtest/gtest.h>

using upravdom::history::Diff;

TEST(HistoryDiff, ListsChangedFieldsOnly) {
  nlohmann::json before = {{"note", "a"}, {"rooms", 2}, {"updated_at", "x"}, {"tags", {"a"}}};
  nlohmann::json after = {{"note", "b"}, {"rooms", 2}, {"updated_at", "y"}, {"tags", {"a", "b"}}};
  nlohmann::json changes = Diff(before, after, {"updated_at"});
  EXPECT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes["note"]["old"], "a");
  EXPECT_EQ(changes["note"]["new"], "b");
  EXPECT_EQ(changes["tags"]["new"], nlohmann::json({"a", "b"}));
  EXPECT_FALSE(changes.contains("rooms"));
}

TEST(HistoryDiff, NewRecordHasEveryFieldAsNew) {
  nlohmann::json changes = Diff(nlohmann::json::object(), {{"number", "5"}, {"note", nullptr}}, {});
  EXPECT_EQ(changes["number"]["old"], nullptr);
  EXPECT_EQ(changes["number"]["new"], "5");
  EXPECT_FALSE(changes.contains("note"));  // null before, null after
}

TEST(HistoryDiff, DeletedRecordHasEveryFieldAsOld) {
  nlohmann::json changes = Diff({{"number", "5"}, {"note", nullptr}}, nlohmann::json::object(), {});
  EXPECT_EQ(changes["number"]["old"], "5");
  EXPECT_EQ(changes["number"]["new"], nullptr);
  EXPECT_EQ(changes.size(), 1u);
}
