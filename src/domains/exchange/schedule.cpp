#include "domains/exchange/schedule.hpp"

#include "core/error.hpp"

namespace upravdom::exchange {

namespace {

struct FieldSpec {
  const char* name;   // the API field
  const char* label;  // Russian, for the message
  int min;
  int max;
};

constexpr FieldSpec kMinute{"schedule_minute", "Минуты", 0, 59};
constexpr FieldSpec kHour{"schedule_hour", "Часы", 0, 23};
constexpr FieldSpec kDay{"schedule_day", "День месяца", 1, 31};
constexpr FieldSpec kMonth{"schedule_month", "Месяц", 1, 12};
constexpr FieldSpec kWeekday{"schedule_weekday", "День недели", 1, 7};

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// Sets the bits of `text` in `bits`; returns false for a star. Adds the field's error to
// `errors` when the text is not `*` or a comma list of numbers in range.
template <size_t N>
bool ParseField(const std::string& raw, const FieldSpec& spec, std::bitset<N>& bits,
                FieldErrors& errors) {
  const std::string text = Trim(raw);
  if (text == "*") {
    for (int v = spec.min; v <= spec.max; ++v) bits.set(v);
    return false;
  }
  const std::string expected = std::string(spec.label) + ": укажите * или числа от " +
                               std::to_string(spec.min) + " до " + std::to_string(spec.max) +
                               " через запятую";
  if (text.empty()) {
    errors[spec.name] = expected;
    return true;
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        Trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    bool digits = !item.empty() && item.size() <= 2 &&
                  item.find_first_not_of("0123456789") == std::string::npos;
    int value = digits ? std::stoi(item) : -1;
    if (!digits || value < spec.min || value > spec.max) {
      errors[spec.name] = expected + ", получено «" + (item.empty() ? text : item) + "»";
      return true;
    }
    bits.set(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

}  // namespace

Schedule ParseSchedule(const ScheduleFields& fields) {
  Schedule schedule;
  FieldErrors errors;
  const bool minute = ParseField(fields.minute, kMinute, schedule.minutes, errors);
  const bool hour = ParseField(fields.hour, kHour, schedule.hours, errors);
  const bool day = ParseField(fields.day, kDay, schedule.days, errors);
  const bool month = ParseField(fields.month, kMonth, schedule.months, errors);
  const bool weekday = ParseField(fields.weekday, kWeekday, schedule.weekdays, errors);
  if (!errors.empty()) ThrowValidation(errors, "Расписание заполнено неверно");
  // A `*` finer than the finest field with numbers is its first value (see the header).
  if (!minute && (hour || day || month || weekday)) schedule.minutes = std::bitset<60>().set(0);
  if (!minute && !hour && (day || month || weekday)) schedule.hours = std::bitset<24>().set(0);
  // A month alone: once that month, on its 1st (a weekday given narrows the days instead).
  if (month && !day && !weekday) schedule.days = std::bitset<32>().set(1);
  // Days that never come (30 and 31 February, 31 of 30-day months only): the next run of a
  // leap-year start date within 30 years tells.
  if (!NextRun(schedule, std::chrono::sys_days(std::chrono::year{2024} / 1 / 1)))
    ThrowValidation({{"schedule_day", "День месяца: в указанные месяцы такого дня не бывает"}},
                    "Расписание заполнено неверно");
  return schedule;
}

std::optional<TimePoint> NextRun(const Schedule& schedule, TimePoint after,
                                 std::chrono::minutes offset) {
  using namespace std::chrono;
  const sys_time<minutes> local = floor<minutes>(after + offset) + minutes(1);
  sys_days day = floor<days>(local);
  const int first_minute = static_cast<int>((local - day).count());
  for (int i = 0; i < 366 * 30; ++i, day += days(1)) {
    const year_month_day date{day};
    const unsigned weekday_number = weekday{day}.iso_encoding();  // Monday = 1
    if (!schedule.months.test(static_cast<unsigned>(date.month())) ||
        !schedule.days.test(static_cast<unsigned>(date.day())) ||
        !schedule.weekdays.test(weekday_number))
      continue;
    const int from = i == 0 ? first_minute : 0;
    for (int h = from / 60; h < 24; ++h) {
      if (!schedule.hours.test(h)) continue;
      for (int m = h == from / 60 ? from % 60 : 0; m < 60; ++m)
        if (schedule.minutes.test(m))
          return time_point_cast<system_clock::duration>(day + hours(h) + minutes(m) - offset);
    }
  }
  return std::nullopt;
}

SlotDecision DecideSlot(const Schedule& schedule, std::optional<TimePoint> next_run_at,
                        TimePoint now, std::chrono::minutes offset) {
  SlotDecision decision;
  if (!next_run_at) {  // a schedule just switched on: its first slot, nothing to run yet
    decision.next = NextRun(schedule, now, offset);
    return decision;
  }
  if (*next_run_at > now) {
    decision.next = next_run_at;
    return decision;
  }
  decision.run = true;
  decision.next = NextRun(schedule, now, offset);
  return decision;
}

}  // namespace upravdom::exchange
