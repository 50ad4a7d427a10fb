#include "domains/exchange/schedule.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/time.hpp"

using namespace upravdom;
using namespace upravdom::exchange;
using namespace std::chrono;

namespace {

// A Moscow wall-clock time as the UTC instant (UTC+3).
TimePoint Msk(int y, unsigned mo, unsigned d, int h, int mi) {
  return sys_days(year{y} / mo / d) + hours(h) + minutes(mi) - hours(3);
}

std::string Next(const ScheduleFields& fields, TimePoint after) {
  auto next = NextRun(ParseSchedule(fields), after);
  return next ? timeutil::ToIso(*next) : "never";
}

// The fields that failed, "field: message" joined.
std::string Errors(const ScheduleFields& fields) {
  try {
    ParseSchedule(fields);
    return "";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kValidationFailed);
    std::string out;
    for (const auto& [field, message] : error.fields()) out += field + ": " + message + "\n";
    return out;
  }
}

}  // namespace

TEST(Schedule, OnlyMinutesRunsEveryHourAtThatMinute) {
  ScheduleFields f{.minute = "19"};
  EXPECT_EQ(Next(f, Msk(2026, 11, 27, 10, 5)), timeutil::ToIso(Msk(2026, 11, 27, 10, 19)));
  EXPECT_EQ(Next(f, Msk(2026, 11, 27, 10, 19)), timeutil::ToIso(Msk(2026, 11, 27, 11, 19)))
      << "strictly after";
  EXPECT_EQ(Next(f, Msk(2026, 11, 27, 23, 30)), timeutil::ToIso(Msk(2026, 11, 28, 0, 19)));
}

TEST(Schedule, MinutesAndHoursRunEveryDay) {
  ScheduleFields f{.minute = "19", .hour = "22"};
  EXPECT_EQ(Next(f, Msk(2026, 11, 27, 10, 0)), timeutil::ToIso(Msk(2026, 11, 27, 22, 19)));
  EXPECT_EQ(Next(f, Msk(2026, 11, 27, 22, 20)), timeutil::ToIso(Msk(2026, 11, 28, 22, 19)));
  // The article's example: every day at three at night. 03:00 Moscow is 00:00 UTC.
  EXPECT_EQ(Next({.minute = "0", .hour = "3"}, Msk(2026, 11, 27, 12, 0)), "2026-11-28T00:00:00Z");
}

TEST(Schedule, AStarFinerThanTheFinestNumberIsItsFirstValue) {
  EXPECT_EQ(Next({.hour = "3"}, Msk(2026, 11, 27, 3, 30)), timeutil::ToIso(Msk(2026, 11, 28, 3, 0)))
      << "hour 3 alone: once a day at 03:00, not every minute of the hour";
  EXPECT_EQ(Next({.day = "5"}, Msk(2026, 11, 27, 12, 0)), timeutil::ToIso(Msk(2026, 12, 5, 0, 0)));
  EXPECT_EQ(Next({}, Msk(2026, 11, 27, 12, 0)), timeutil::ToIso(Msk(2026, 11, 27, 12, 1)))
      << "all stars: every minute";
  // «запуск в конкретный месяц»: once, on its 1st — not every day of the month.
  EXPECT_EQ(Next({.month = "3"}, Msk(2026, 11, 27, 12, 0)), timeutil::ToIso(Msk(2027, 3, 1, 0, 0)));
  EXPECT_EQ(Next({.month = "3"}, Msk(2027, 3, 1, 0, 0)), timeutil::ToIso(Msk(2028, 3, 1, 0, 0)));
  EXPECT_EQ(Next({.month = "3", .weekday = "1"}, Msk(2027, 3, 1, 0, 0)),
            timeutil::ToIso(Msk(2027, 3, 8, 0, 0)))
      << "with a weekday: each Monday of March";
}

TEST(Schedule, CommaListsInEveryField) {
  ScheduleFields f{.minute = "0, 30", .hour = "9,18"};
  TimePoint t = Msk(2026, 11, 27, 8, 0);
  std::vector<std::string> runs;
  for (int i = 0; i < 5; ++i) {
    t = *NextRun(ParseSchedule(f), t);
    runs.push_back(timeutil::ToIso(t + hours(3)).substr(0, 16));  // Moscow wall clock
  }
  EXPECT_EQ(runs,
            (std::vector<std::string>{"2026-11-27T09:00", "2026-11-27T09:30", "2026-11-27T18:00",
                                      "2026-11-27T18:30", "2026-11-28T09:00"}));
}

TEST(Schedule, MonthEndsAndLeapDays) {
  // The 31st skips the 30-day months.
  ScheduleFields f{.minute = "0", .hour = "12", .day = "31"};
  EXPECT_EQ(Next(f, Msk(2026, 3, 31, 13, 0)), timeutil::ToIso(Msk(2026, 5, 31, 12, 0)));
  // The 29th of February: the next leap year.
  EXPECT_EQ(Next({.minute = "0", .hour = "0", .day = "29", .month = "2"}, Msk(2026, 1, 1, 0, 0)),
            timeutil::ToIso(Msk(2028, 2, 29, 0, 0)));
  // A year's last minute rolls into the next year.
  EXPECT_EQ(Next({.minute = "0", .hour = "0", .day = "1", .month = "1"}, Msk(2026, 12, 31, 23, 59)),
            timeutil::ToIso(Msk(2027, 1, 1, 0, 0)));
  // The 30th of February never comes: an error on the day.
  EXPECT_NE(Errors({.day = "30", .month = "2"}).find("schedule_day: День месяца"),
            std::string::npos);
  EXPECT_EQ(Errors({.day = "30,1", .month = "2"}), "");
}

TEST(Schedule, WeekdayMondayIsOneAndBothDayFieldsMustMatch) {
  // 27 November 2026 is a Friday.
  ScheduleFields monday{.minute = "0", .hour = "8", .weekday = "1"};
  EXPECT_EQ(Next(monday, Msk(2026, 11, 27, 12, 0)), timeutil::ToIso(Msk(2026, 11, 30, 8, 0)));
  EXPECT_EQ(Next({.minute = "0", .hour = "8", .weekday = "7"}, Msk(2026, 11, 27, 12, 0)),
            timeutil::ToIso(Msk(2026, 11, 29, 8, 0)))
      << "7 is Sunday";
  // The 13th that is a Friday: both must match.
  EXPECT_EQ(
      Next({.minute = "0", .hour = "0", .day = "13", .weekday = "5"}, Msk(2026, 11, 27, 12, 0)),
      timeutil::ToIso(Msk(2027, 8, 13, 0, 0)));
}

TEST(Schedule, MoscowTimeIsUtcPlusThree) {
  // 01:30 Moscow on the 28th is 22:30 UTC on the 27th: a daily 01:30 run falls on the UTC
  // evening before.
  EXPECT_EQ(Next({.minute = "30", .hour = "1"}, sys_days(year{2026} / 11 / 27) + hours(12)),
            "2026-11-27T22:30:00Z");
  // Another offset.
  auto next = NextRun(ParseSchedule({.minute = "0", .hour = "0"}),
                      sys_days(year{2026} / 11 / 27) + hours(12), hours(0));
  EXPECT_EQ(timeutil::ToIso(*next), "2026-11-28T00:00:00Z");
}

TEST(Schedule, BadFieldsAreErrorsNamingTheField) {
  EXPECT_NE(
      Errors({.minute = "61"}).find("schedule_minute: Минуты: укажите * или числа от 0 до 59"),
      std::string::npos);
  EXPECT_NE(Errors({.minute = "*/0"}).find("schedule_minute"), std::string::npos);
  EXPECT_NE(Errors({.hour = "24"}).find("schedule_hour: Часы"), std::string::npos);
  EXPECT_NE(Errors({.day = "0"}).find("schedule_day"), std::string::npos);
  EXPECT_NE(Errors({.month = "13"}).find("schedule_month: Месяц"), std::string::npos);
  EXPECT_NE(Errors({.weekday = "0"}).find("schedule_weekday: День недели"), std::string::npos);
  EXPECT_NE(Errors({.weekday = "mon"}).find("schedule_weekday"), std::string::npos);
  EXPECT_NE(Errors({.hour = "1-5"}).find("schedule_hour"), std::string::npos);
  EXPECT_NE(Errors({.minute = ""}).find("schedule_minute"), std::string::npos);
  EXPECT_NE(Errors({.minute = "1,,2"}).find("schedule_minute"), std::string::npos);
  EXPECT_NE(Errors({.minute = "-1"}).find("schedule_minute"), std::string::npos);
  EXPECT_NE(Errors({.minute = "005"}).find("schedule_minute"), std::string::npos);
  // Every wrong field at once.
  std::string both = Errors({.minute = "61", .month = "x"});
  EXPECT_NE(both.find("schedule_minute"), std::string::npos);
  EXPECT_NE(both.find("schedule_month"), std::string::npos);
  EXPECT_NE(Errors({.minute = "61"}).find("получено «61»"), std::string::npos);
}

TEST(Schedule, AMissedRunRunsOnceThenTheNextSlotAfterNow) {
  Schedule daily = ParseSchedule({.minute = "0", .hour = "3"});
  const TimePoint now = Msk(2026, 11, 27, 12, 0);
  // The server was down since three days ago: one run now, then tomorrow 03:00.
  SlotDecision d = DecideSlot(daily, Msk(2026, 11, 24, 3, 0), now);
  EXPECT_TRUE(d.run);
  EXPECT_EQ(timeutil::ToIso(*d.next), timeutil::ToIso(Msk(2026, 11, 28, 3, 0)));
  // Not yet due: nothing to run, the slot stays.
  d = DecideSlot(daily, Msk(2026, 11, 28, 3, 0), now);
  EXPECT_FALSE(d.run);
  EXPECT_EQ(timeutil::ToIso(*d.next), timeutil::ToIso(Msk(2026, 11, 28, 3, 0)));
  // Exactly due.
  EXPECT_TRUE(DecideSlot(daily, now, now).run);
  // No slot yet (schedule just switched on): the first one, no run.
  d = DecideSlot(daily, std::nullopt, now);
  EXPECT_FALSE(d.run);
  EXPECT_EQ(timeutil::ToIso(*d.next), timeutil::ToIso(Msk(2026, 11, 28, 3, 0)));
}
