// The progress of an import this page has sent and is waiting for: while the request is
// answered, the exchange log's running operation of that source, started since the request,
// is read every 0.7 s and its counts give «processed of records». The server keeps a dry
// run's progress too (OperationLog::Progress), so a check shows it as well as a load.
import { useEffect, useRef, useState } from 'react';
import { exchangeApi } from '../../api/resources';

export interface OperationProgress {
  processed: number;
  records: number;
}

export function useOperationProgress() {
  const [progress, setProgress] = useState<OperationProgress | null>(null);
  const polling = useRef<number | null>(null);

  const stop = () => {
    if (polling.current !== null) window.clearInterval(polling.current);
    polling.current = null;
  };
  useEffect(() => stop, []);

  /** Follows the running operation of `source` started from now on (5 s of clock skew allowed). */
  const follow = (source: string) => {
    stop();
    setProgress(null);
    const startedAt = Date.now();
    polling.current = window.setInterval(() => {
      exchangeApi
        .operations({ limit: 10, status: 'running' })
        .then((page) => {
          const op = page.items.find((o) => o.source === source && Date.parse(o.started_at) >= startedAt - 5000);
          if (op) setProgress({ processed: Number(op.counts.processed ?? 0), records: Number(op.counts.records ?? 0) });
        })
        .catch(() => undefined);
    }, 700);
  };

  const percent = progress && progress.records > 0 ? Math.min(100, Math.round((progress.processed / progress.records) * 100)) : 0;
  return { progress, percent, follow, stop };
}
