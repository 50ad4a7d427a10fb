// The import schedule (SPEC I-5) as the server reads it (src/domains/exchange/schedule.hpp):
// five fields, each `*` or a comma list of numbers; the fields with numbers say when, a `*`
// finer than the finest field with numbers is its first value. Here: the check of a field and
// the sentence shown beside the fields («каждый день в 03:00», «каждый час в :19»).
import type { Lang } from '../../i18n';

export const SCHEDULE_FIELDS = ['minute', 'hour', 'day', 'month', 'weekday'] as const;
export type ScheduleField = (typeof SCHEDULE_FIELDS)[number];
export type ScheduleValues = Record<ScheduleField, string>;

export const FIELD_RANGE: Record<ScheduleField, [number, number]> = {
  minute: [0, 59],
  hour: [0, 23],
  day: [1, 31],
  month: [1, 12],
  weekday: [1, 7],
};

/** `null` for `*`, the sorted numbers, or `undefined` when the text is wrong. */
export function parseField(field: ScheduleField, text: string): number[] | null | undefined {
  const value = text.trim();
  if (value === '*') return null;
  if (!value) return undefined;
  const [min, max] = FIELD_RANGE[field];
  const numbers: number[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (!/^\d{1,2}$/.test(item)) return undefined;
    const n = Number(item);
    if (n < min || n > max) return undefined;
    if (!numbers.includes(n)) numbers.push(n);
  }
  return numbers.sort((a, b) => a - b);
}

const pad = (n: number) => String(n).padStart(2, '0');

function joinList(items: string[], and: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

const MONTHS_RU = ['январе', 'феврале', 'марте', 'апреле', 'мае', 'июне', 'июле', 'августе', 'сентябре', 'октябре', 'ноябре', 'декабре'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS_RU = ['понедельникам', 'вторникам', 'средам', 'четвергам', 'пятницам', 'субботам', 'воскресеньям'];
const WEEKDAYS_EN = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];

/** The sentence for the five fields, or `null` when a field is wrong. */
export function describeSchedule(values: ScheduleValues, lang: Lang): string | null {
  const parsed = {} as Record<ScheduleField, number[] | null>;
  for (const field of SCHEDULE_FIELDS) {
    const p = parseField(field, values[field] ?? '');
    if (p === undefined) return null;
    parsed[field] = p;
  }
  const ru = lang === 'ru';
  const and = ru ? 'и' : 'and';
  const { minute, hour, day, month, weekday } = parsed;
  const daysSet = day !== null || month !== null || weekday !== null;
  if (minute === null && hour === null && !daysSet) return ru ? 'каждую минуту' : 'every minute';
  // A `*` finer than the finest field with numbers is its first value.
  const minutes = minute ?? [0];
  const hours = hour ?? (minute === null ? [0] : null);

  let time: string;
  if (hours === null) {
    // Only minutes (and maybe days): every hour at those minutes.
    const at = joinList(minutes.map((m) => `:${pad(m)}`), and);
    time = ru ? `каждый час в ${at}` : `every hour at ${at}`;
  } else if (hours.length * minutes.length <= 6) {
    const times = hours.flatMap((h) => minutes.map((m) => `${pad(h)}:${pad(m)}`));
    time = `${ru ? 'в' : 'at'} ${joinList(times, and)}`;
  } else {
    time = ru
      ? `в ${joinList(hours.map(String), and)} ч. в ${joinList(minutes.map(pad), and)} мин.`
      : `at hours ${joinList(hours.map(String), and)}, minutes ${joinList(minutes.map(pad), and)}`;
  }

  const parts: string[] = [];
  // A month alone runs once, on its 1st (with a weekday: on those weekdays of the month).
  const days = day ?? (month !== null && weekday === null ? [1] : null);
  if (days !== null) parts.push(ru ? `${joinList(days.map(String), and)} числа` : `on day ${joinList(days.map(String), and)}`);
  if (month !== null)
    parts.push(ru ? `в ${joinList(month.map((m) => MONTHS_RU[m - 1]), and)}` : `in ${joinList(month.map((m) => MONTHS_EN[m - 1]), and)}`);
  if (weekday !== null)
    parts.push(
      ru ? `по ${joinList(weekday.map((w) => WEEKDAYS_RU[w - 1]), and)}` : `on ${joinList(weekday.map((w) => WEEKDAYS_EN[w - 1]), and)}`,
    );
  if (parts.length === 0) return hours === null ? time : `${ru ? 'каждый день' : 'every day'} ${time}`;
  return `${parts.join(' ')} ${time}`;
}
