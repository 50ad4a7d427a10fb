// The import schedule (SPEC I-5; the article «Расписание»): five fields — minute, hour, day
// of month, month, day of week — each `*` (any) or a comma list of numbers. Read in the
// organisation's time zone (Moscow, UTC+3, no DST; the server's --timezone-offset).
//
// The article's meaning: the fields with numbers say when; a `*` is not taken into account.
// Only minutes → every hour at that minute; minutes and hours → every day at that time; day,
// month and weekday narrow the days in the same way. A `*` finer than the finest field with
// numbers means its first value, so «hour 3» alone runs at 03:00 (not every minute of that
// hour), «day 5» alone at 00:00 of the 5th and «month 3» alone at 00:00 of 1 March (with a
// weekday given, on each such weekday of the month). All five `*`: every minute. When both the
// day of month and the weekday are given, a day must match both (not cron's «either»).
// Weekdays are 1–7, Monday = 1 (as in Russian calendars). Ranges and steps (`1-5`, `*/5`)
// are not supported: they are an error naming the field.
#pragma once

#include <array>
#include <bitset>
#include <chrono>
#include <optional>
#include <string>

namespace upravdom::exchange {

struct ScheduleFields {
  std::string minute = "*";
  std::string hour = "*";
  std::string day = "*";
  std::string month = "*";
  std::string weekday = "*";
  bool operator==(const ScheduleFields&) const = default;
};

struct Schedule {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     // 1–31
  std::bitset<13> months;   // 1–12
  std::bitset<8> weekdays;  // 1–7, Monday = 1
};

// Checks the five fields; throws ApiError 422 naming each wrong field (schedule_minute,
// schedule_hour, schedule_day, schedule_month, schedule_weekday) in Russian, and
// schedule_day when the combination never happens (31 February).
Schedule ParseSchedule(const ScheduleFields& fields);

using TimePoint = std::chrono::system_clock::time_point;

// The first slot strictly after `after` (whole minutes), in UTC; nullopt when none within
// 30 years. `offset` is the local time's offset from UTC.
std::optional<TimePoint> NextRun(const Schedule& schedule, TimePoint after,
                                 std::chrono::minutes offset = std::chrono::hours(3));

// The missed-run rule: a slot due at `next_run_at` ≤ now runs once, however many slots
// passed while the server was down, and the next slot is the first after `now`.
struct SlotDecision {
  bool run = false;
  std::optional<TimePoint> next;
};
SlotDecision DecideSlot(const Schedule& schedule, std::optional<TimePoint> next_run_at,
                        TimePoint now, std::chrono::minutes offset = std::chrono::hours(3));

}  // namespace upravdom::exchange
