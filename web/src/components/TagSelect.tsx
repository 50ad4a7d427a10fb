// Tag picker: options come from GET /tags?q= (prefix search on the server). In `tags` mode a
// typed name that is not in the list is kept as a new tag (the server creates it on save);
// in `multiple` mode only existing tags can be chosen (filters).
import { Select, Spin, type SelectProps } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { tagsApi } from '../api/resources';

type Props = Omit<SelectProps<string[]>, 'options' | 'onSearch' | 'filterOption' | 'mode'> & {
  mode?: 'tags' | 'multiple';
};

const PAGE = 50;

export function TagSelect({ mode = 'tags', ...rest }: Props) {
  const [names, setNames] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const ctrl = useRef<AbortController | undefined>(undefined);

  const load = useCallback((q: string) => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    setLoading(true);
    tagsApi
      .list({ q: q.trim() || undefined, limit: PAGE }, c.signal)
      .then((res) => {
        if (!c.signal.aborted) setNames(res.items.map((tag) => tag.name));
      })
      .catch(() => {
        if (!c.signal.aborted) setNames([]);
      })
      .finally(() => {
        if (!c.signal.aborted) setLoading(false);
      });
  }, []);

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      ctrl.current?.abort();
    },
    [],
  );

  const onSearch = (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => load(q), 250);
  };

  return (
    <Select<string[]>
      {...rest}
      mode={mode}
      options={names.map((n) => ({ value: n, label: n }))}
      filterOption={false}
      onSearch={onSearch}
      onOpenChange={(open) => {
        if (open) load('');
        rest.onOpenChange?.(open);
      }}
      notFoundContent={loading ? <Spin size="small" /> : rest.notFoundContent}
      tokenSeparators={mode === 'tags' ? [','] : undefined}
      allowClear
    />
  );
}
