// «Интеграция» → «API-токены» (admins): the tokens accounting systems import with. Issuing
// one shows its text once (only a digest is kept), with how to use it; revoking asks first,
// since the system using the token stops at its next request.
import { DeleteOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Form, Input, Modal, Popconfirm, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { tokensApi } from '../../api/resources';
import type { ApiToken, ApiTokenCreate, ApiTokenIssued } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useApiError } from '../../components/useApiError';
import { useItems } from '../../components/useItems';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../utils/format';

export function ApiTokensTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const { items: tokens, loading, reload } = useItems(tokensApi.list);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<ApiTokenIssued | null>(null);

  const revoke = async (token: ApiToken) => {
    try {
      await tokensApi.revoke(token.id);
      message.success(t('tokens.revoked', { name: token.name }));
    } catch (err) {
      showError(err);
    }
    reload();
  };

  const columns: TableColumnsType<ApiToken> = [
    { title: t('tokens.col.name'), dataIndex: 'name', key: 'name' },
    { title: t('tokens.col.createdAt'), dataIndex: 'created_at', key: 'created', width: 200, render: formatDateTime },
    {
      key: 'actions',
      width: 140,
      align: 'right',
      render: (_, token) => (
        <Popconfirm
          title={t('tokens.revokeTitle', { name: token.name })}
          description={t('tokens.revokeText')}
          okText={t('tokens.revoke')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={() => revoke(token)}
        >
          <Button danger size="small" icon={<DeleteOutlined />} data-testid={`token-revoke-${token.id}`}>
            {t('tokens.revoke')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="api-tokens">
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 980 }}>
        {t('tokens.intro')}
      </Typography.Paragraph>
      <Flex>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-issue">
          {t('tokens.issue')}
        </Button>
      </Flex>
      <Table<ApiToken>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={tokens}
        loading={loading}
        pagination={false}
        locale={{ emptyText: t('tokens.empty') }}
        style={{ maxWidth: 980 }}
      />
      <FormModal<ApiTokenCreate>
        name="token"
        open={creating}
        title={t('tokens.issueTitle')}
        okText={t('tokens.issue')}
        onCancel={() => setCreating(false)}
        onSubmit={(values) => tokensApi.issue(values)}
        onDone={(result) => {
          setCreating(false);
          setIssued(result as ApiTokenIssued);
          reload();
        }}
      >
        <Form.Item
          label={t('tokens.name')}
          name="name"
          extra={t('tokens.nameHint')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input maxLength={100} autoFocus placeholder={t('tokens.namePlaceholder')} />
        </Form.Item>
      </FormModal>
      <Modal
        open={issued !== null}
        title={
          <Flex gap={8} align="center">
            <KeyOutlined />
            {t('tokens.issuedTitle', { name: issued?.name ?? '' })}
          </Flex>
        }
        onOk={() => setIssued(null)}
        onCancel={() => setIssued(null)}
        okText={t('tokens.issuedDone')}
        cancelButtonProps={{ style: { display: 'none' } }}
        maskClosable={false}
        width={640}
        destroyOnHidden
      >
        {issued && (
          <Flex vertical gap={12} data-testid="token-issued">
            <Alert type="warning" showIcon message={t('tokens.onceWarning')} />
            <Typography.Paragraph copyable={{ text: issued.token }} code style={{ margin: 0, wordBreak: 'break-all' }} data-testid="token-text">
              {issued.token}
            </Typography.Paragraph>
            <Typography.Text type="secondary">{t('tokens.usage')}</Typography.Text>
            <Typography.Paragraph code style={{ margin: 0, wordBreak: 'break-all' }}>
              Authorization: Bearer {issued.token}
            </Typography.Paragraph>
          </Flex>
        )}
      </Modal>
    </Flex>
  );
}
