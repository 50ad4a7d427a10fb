// The progress block of an import page while its request is answered: what is going on —
// `waiting` until the exchange log shows the running operation, then its «processed of
// records» (`counted`) — and the bar (useOperationProgress gives both).
import type { CSSProperties } from 'react';
import { Flex, Progress, Spin, Typography } from 'antd';
import type { OperationProgress } from './useOperationProgress';

interface Props {
  progress: OperationProgress | null;
  percent: number;
  waiting: string;
  counted: (progress: OperationProgress) => string;
  testId: string;
  style?: CSSProperties;
}

export function OperationProgressView({ progress, percent, waiting, counted, testId, style }: Props) {
  return (
    <Flex vertical gap={4} style={style} data-testid={testId}>
      <Flex align="center" gap={12}>
        <Spin />
        <Typography.Text type="secondary">{progress && progress.records > 0 ? counted(progress) : waiting}</Typography.Text>
      </Flex>
      <Progress percent={percent} status="active" />
    </Flex>
  );
}
