// A single-choice Select whose options come from the server as the user types (debounced,
// the previous request aborted): client search by name or phone, premise search by address.
import { Select, Spin, type SelectProps } from 'antd';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

export interface RemoteOption {
  value: number;
  label: string;
  /** What the open list shows (defaults to the label). */
  render?: ReactNode;
}

type Props = Omit<SelectProps<number>, 'options' | 'onSearch' | 'filterOption' | 'showSearch' | 'mode'> & {
  fetch: (q: string, signal: AbortSignal) => Promise<RemoteOption[]>;
  /** The chosen value's option when it is not among the loaded ones (edit). */
  initialOption?: RemoteOption;
  /** Typed characters before the first request; 0 loads on opening. */
  minChars?: number;
  hint?: ReactNode;
};

export function RemoteSelect({ fetch, initialOption, minChars = 0, hint, ...rest }: Props) {
  const [options, setOptions] = useState<RemoteOption[]>(initialOption ? [initialOption] : []);
  const [loading, setLoading] = useState(false);
  const [typed, setTyped] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const ctrl = useRef<AbortController | undefined>(undefined);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  const load = useCallback(
    (q: string) => {
      ctrl.current?.abort();
      if (q.trim().length < minChars) {
        setLoading(false);
        return;
      }
      const c = new AbortController();
      ctrl.current = c;
      setLoading(true);
      fetchRef
        .current(q.trim(), c.signal)
        .then((opts) => !c.signal.aborted && setOptions(opts))
        .catch(() => !c.signal.aborted && setOptions([]))
        .finally(() => !c.signal.aborted && setLoading(false));
    },
    [minChars],
  );

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      ctrl.current?.abort();
    },
    [],
  );

  const shown = initialOption && !options.some((o) => o.value === initialOption.value) ? [initialOption, ...options] : options;
  return (
    <Select<number>
      {...rest}
      showSearch
      filterOption={false}
      options={shown.map((o) => ({ value: o.value, label: o.label, render: o.render }))}
      optionRender={(o) => (o.data.render as ReactNode) ?? o.label}
      onSearch={(q) => {
        setTyped(q);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => load(q), 250);
      }}
      onOpenChange={(open) => {
        if (open && minChars === 0) load(typed);
        rest.onOpenChange?.(open);
      }}
      notFoundContent={loading ? <Spin size="small" /> : typed.trim().length < minChars ? hint : rest.notFoundContent}
    />
  );
}
