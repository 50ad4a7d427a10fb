// Digit masks for inputs: `_` in the mask is a digit slot, any other character is shown as
// is (`___-___-___ __`). The form value is the formatted text; no digits → ''. The caret
// stays after the same digit while editing in the middle, and Backspace over a separator
// removes the digit before it.
import { Input, type InputProps, type InputRef } from 'antd';
import { forwardRef, useCallback, useLayoutEffect, useRef, type ChangeEvent, type KeyboardEvent } from 'react';

export interface DigitMask {
  /** `_` = one digit. */
  mask: string;
  /** Raw text → the digits to place (default: every digit of the text, up to the slots). */
  digits?: (raw: string) => string;
  /**
   * Digits that, typed first into an empty field, only open the mask's fixed prefix (the «8»
   * or «7» of «8 916…» / «+7 916…» in front of a phone's ten digits).
   */
  nationalPrefixes?: readonly string[];
}

/** The fixed text before the first slot («+7 (»). */
const maskPrefix = (spec: DigitMask) => spec.mask.slice(0, Math.max(0, spec.mask.indexOf('_')));

const slotCount = (mask: string) => [...mask].filter((c) => c === '_').length;

/** Places digits into the mask; stops after the last digit (no trailing separators). */
export function applyMask(mask: string, digits: string): string {
  let out = '';
  let i = 0;
  for (const c of mask) {
    if (i >= digits.length) break;
    if (c === '_') out += digits[i++];
    else out += c;
  }
  return i === 0 ? '' : out;
}

export function maskDigits(spec: DigitMask, raw: string): string {
  const d = spec.digits ? spec.digits(raw) : raw.replace(/\D/g, '');
  return d.slice(0, slotCount(spec.mask));
}

export function formatMasked(spec: DigitMask, raw: string | null | undefined): string {
  return raw ? applyMask(spec.mask, maskDigits(spec, raw)) : '';
}

/** +7 (___) ___-__-__ : «+7 916…», «8 916…», «7916…», «916…» all give the same ten digits. */
export const PHONE_MASK: DigitMask = {
  mask: '+7 (___) ___-__-__',
  nationalPrefixes: ['7', '8'],
  digits: (raw) => {
    const text = raw.trim();
    let d = (text.startsWith('+7') ? text.slice(2) : text).replace(/\D/g, '');
    // a national prefix typed or pasted in front of the ten digits
    if (!text.startsWith('+7') && d.length > 10 && (d[0] === '8' || d[0] === '7')) d = d.slice(1);
    return d;
  },
};
export const PASSPORT_SERIES_MASK: DigitMask = { mask: '____' };
export const PASSPORT_NUMBER_MASK: DigitMask = { mask: '______' };
export const DEPARTMENT_CODE_MASK: DigitMask = { mask: '___-___' };
export const SNILS_MASK: DigitMask = { mask: '___-___-___ __' };
export const POSTCODE_MASK: DigitMask = { mask: '______' };

/** The typed value, or null when it has no digits (a cleared field, the bare «+7 (»). */
export function maskedValue(spec: DigitMask, value: string | null | undefined): string | null {
  if (!value || maskDigits(spec, value).length === 0) return null;
  return value.trim();
}

type Props = Omit<InputProps, 'value' | 'onChange'> & {
  spec: DigitMask;
  value?: string | null;
  onChange?: (value: string) => void;
};

export const MaskedInput = forwardRef<InputRef, Props>(function MaskedInput({ spec, value, onChange, placeholder, ...rest }, ref) {
  const inner = useRef<InputRef | null>(null);
  const caret = useRef<number | null>(null);
  const prefix = maskPrefix(spec);
  // the bare prefix («+7 (») is kept while the first digit is being typed
  const shown = prefix && value === prefix ? prefix : formatMasked(spec, value ?? '');

  const setRef = useCallback(
    (el: InputRef | null) => {
      inner.current = el;
      if (typeof ref === 'function') ref(el);
      else if (ref) ref.current = el;
    },
    [ref],
  );

  // put the caret after the same number of digits as before the re-format
  useLayoutEffect(() => {
    const el = inner.current?.input;
    if (caret.current == null || !el || document.activeElement !== el) return;
    el.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  });

  const positionAfterDigits = (formatted: string, n: number): number => {
    if (n <= 0) {
      const first = formatted.search(/\d/);
      // before the first digit: after the fixed prefix («+7 (»)
      return first < 0 ? formatted.length : spec.mask.indexOf('_');
    }
    let seen = 0;
    for (let i = 0; i < formatted.length; i++) {
      if (/\d/.test(formatted[i]) && i >= spec.mask.indexOf('_')) seen++;
      if (seen === n) return i + 1;
    }
    return formatted.length;
  };

  const emit = (raw: string, caretInRaw: number | null) => {
    const digits = maskDigits(spec, raw);
    if (shown === '' && digits.length === 1 && spec.nationalPrefixes?.includes(digits)) {
      onChange?.(prefix);
      return;
    }
    const next = applyMask(spec.mask, digits);
    if (caretInRaw != null && caretInRaw < raw.length) {
      // digits typed before the caret (the prefix «+7» is not one of them)
      const before = maskDigits(spec, raw.slice(0, caretInRaw)).length;
      caret.current = positionAfterDigits(next, before);
    }
    onChange?.(next);
  };

  const handleChange = (e: ChangeEvent<HTMLInputElement>) => emit(e.target.value, e.target.selectionStart);

  const handleKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const el = e.currentTarget;
    const pos = el.selectionStart ?? 0;
    if (e.key === 'Backspace' && el.selectionStart === el.selectionEnd && pos > 0) {
      // over a separator: remove the digit before it instead
      const text = el.value;
      let i = pos - 1;
      while (i >= 0 && !/\d/.test(text[i])) i--;
      const prefixEnd = spec.mask.indexOf('_');
      if (i < pos - 1 && i >= prefixEnd) {
        e.preventDefault();
        emit(text.slice(0, i) + text.slice(i + 1), i);
        if (caret.current == null) caret.current = i;
      }
    }
    rest.onKeyDown?.(e);
  };

  return (
    <Input
      {...rest}
      ref={setRef}
      inputMode="numeric"
      autoComplete="off"
      value={shown}
      placeholder={placeholder ?? spec.mask}
      onChange={handleChange}
      onKeyDown={handleKeyDown}
    />
  );
});
