// Formatting of API values for display.
import dayjs from 'dayjs';

/** ISO-8601 timestamp → local «ДД.ММ.ГГГГ ЧЧ:ММ»; empty for missing values. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('DD.MM.YYYY HH:mm') : value;
}

/** Human address of an object: «г. Москва, ул. Ленина, д. 10». */
export function formatAddress(o: { city?: string | null; street?: string | null; house?: string | null }): string {
  return [o.city, o.street, o.house].filter((p) => p && String(p).trim()).join(', ');
}

/** Form values → create body: drop empty optional values. */
export function compactBody<T extends object>(values: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out as Partial<T>;
}

/** Form values → PATCH body: empty optional values become null (clears them). */
export function patchBody<T extends object>(values: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) out[k] = null;
    else if (typeof v === 'string') out[k] = v.trim() === '' ? null : v.trim();
    else out[k] = v;
  }
  return out as Partial<T>;
}

/** A number in the UI language's notation: «54,35» / «54.35», «1 234,5». */
export function formatNumber(value: number, lang: string, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits }).format(value);
}

/** Kopecks → «1 234,56 ₽» (always 2 decimals) in the UI language's notation. */
export function formatMoney(kopecks: number, lang: string): string {
  return `${new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(kopecks / 100)} ₽`;
}

/** Roubles as typed («1 234,5», «1234.50») → kopecks; undefined when not a number. */
export function rublesToKopecks(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const s = String(value).replace(/[\s\u00a0₽]/g, '').replace(',', '.');
  if (s === '' || !/^-?\d+(\.\d{0,2})?$/.test(s)) return undefined;
  return Math.round(Number(s) * 100);
}

/** `YYYY-MM-DD` → «ДД.ММ.ГГГГ»; «—» when missing. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('DD.MM.YYYY') : value;
}
