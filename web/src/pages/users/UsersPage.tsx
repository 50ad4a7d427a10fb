// «Настройки» → «Пользователи» (admins, SPEC P-1): the organisation's staff — add a user with a
// login, password and role; change the name, role or password; block (sign-in refused, the
// sessions ended) and unblock, each confirmed. An admin cannot block or demote themself.
import { EditOutlined, HistoryOutlined, LockOutlined, PlusOutlined, UnlockOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, Popconfirm, Result, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { usersApi } from '../../api/resources';
import type { StaffRole, StaffUser, StaffUserCreate, StaffUserUpdate } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { FormModal } from '../../components/FormModal';
import { HistoryDrawer, type HistoryFormat } from '../../components/HistoryDrawer';
import { PageHeader } from '../../components/PageHeader';
import { useApiError } from '../../components/useApiError';
import { useItems } from '../../components/useItems';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../utils/format';

const ROLES: StaffRole[] = ['admin', 'operator', 'readonly'];
const ROLE_COLORS: Record<StaffRole, string> = { admin: 'gold', operator: 'blue', readonly: 'default' };

interface EditForm {
  full_name: string;
  role: StaffRole;
  password?: string;
}

export function UsersPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const { user: me, isAdmin } = useAuth();
  const { items: users, loading, reload } = useItems(usersApi.list, isAdmin);
  const [editing, setEditing] = useState<StaffUser | 'new' | null>(null);
  const [historyOf, setHistoryOf] = useState<StaffUser | null>(null);
  const historyId = historyOf?.id;
  const loadHistory = useCallback(
    (p: { limit: number; offset: number }) => usersApi.history(historyId ?? 0, p),
    [historyId],
  );
  const historyFormat = useMemo<HistoryFormat>(
    () => ({
      label: (field) =>
        ({
          login: t('users.login'),
          full_name: t('users.fullName'),
          role: t('users.role'),
          password: t('users.password'),
          blocked: t('users.history.blocked'),
        })[field],
      value: (field, value) => {
        if (field === 'role' && typeof value === 'string') return t(`role.${value}` as MessageKey);
        if (field === 'password' && value === true) return t('users.history.passwordChanged');
        return undefined;
      },
      order: ['login', 'full_name', 'role', 'password', 'blocked'],
    }),
    [t],
  );

  const setBlocked = async (user: StaffUser, blocked: boolean) => {
    try {
      await usersApi.change(user.id, { blocked });
      message.success(t(blocked ? 'users.blockedDone' : 'users.unblockedDone', { name: user.full_name }));
    } catch (err) {
      showError(err);
    }
    reload();
  };

  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`role.${role}` as MessageKey) }));
  const current = editing === 'new' ? null : editing;
  const isMe = (user: StaffUser) => user.id === me?.id;

  const columns: TableColumnsType<StaffUser> = [
    {
      title: t('users.col.name'),
      dataIndex: 'full_name',
      key: 'name',
      render: (name: string, user) => (
        <Space size={6} wrap>
          <Typography.Text strong={!user.blocked} type={user.blocked ? 'secondary' : undefined}>
            {name}
          </Typography.Text>
          {isMe(user) && <Tag data-testid="user-me">{t('users.you')}</Tag>}
        </Space>
      ),
    },
    { title: t('users.col.login'), dataIndex: 'login', key: 'login', width: 180 },
    {
      title: t('users.col.role'),
      dataIndex: 'role',
      key: 'role',
      width: 170,
      render: (role: StaffRole) => <Tag color={ROLE_COLORS[role]}>{t(`role.${role}` as MessageKey)}</Tag>,
    },
    {
      title: t('users.col.status'),
      key: 'status',
      width: 200,
      render: (_, user) =>
        user.blocked ? (
          <Tag color="red" data-testid="user-blocked">
            {t('users.blockedSince', { date: formatDateTime(user.blocked_at ?? null) })}
          </Tag>
        ) : (
          <Tag color="green">{t('users.active')}</Tag>
        ),
    },
    { title: t('users.col.createdAt'), dataIndex: 'created_at', key: 'created', width: 150, render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 160,
      align: 'right',
      render: (_, user) => (
        <Space size={4}>
          <Button
            size="small"
            icon={<HistoryOutlined />}
            aria-label={t('history.title')}
            title={t('history.title')}
            onClick={() => setHistoryOf(user)}
            data-testid={`user-history-${user.id}`}
          />
          <Button size="small" icon={<EditOutlined />} aria-label={t('users.edit')} title={t('users.edit')} onClick={() => setEditing(user)} data-testid={`user-edit-${user.id}`} />
          {user.blocked ? (
            <Popconfirm
              title={t('users.unblockTitle', { name: user.full_name })}
              okText={t('users.unblock')}
              cancelText={t('common.cancel')}
              onConfirm={() => setBlocked(user, false)}
            >
              <Button size="small" icon={<UnlockOutlined />} aria-label={t('users.unblock')} title={t('users.unblock')} data-testid={`user-unblock-${user.id}`} />
            </Popconfirm>
          ) : (
            <Popconfirm
              title={t('users.blockTitle', { name: user.full_name })}
              description={t('users.blockText')}
              okText={t('users.block')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() => setBlocked(user, true)}
              disabled={isMe(user)}
            >
              <Button
                size="small"
                danger
                icon={<LockOutlined />}
                aria-label={t('users.block')}
                title={isMe(user) ? t('users.notYourself') : t('users.block')}
                disabled={isMe(user)}
                data-testid={`user-block-${user.id}`}
              />
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  if (!isAdmin) {
    return (
      <>
        <PageHeader title={t('users.title')} />
        <Card>
          <Result status="403" title="403" subTitle={t('users.adminOnly')} />
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader title={t('users.title')} />
      <Card>
        <Flex vertical gap={16}>
          <Flex justify="space-between" align="center" gap={16} wrap>
            <Typography.Text type="secondary">{t('users.intro')}</Typography.Text>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="user-add">
              {t('users.add')}
            </Button>
          </Flex>
          <Table<StaffUser>
            rowKey="id"
            columns={columns}
            dataSource={users}
            loading={loading}
            pagination={users.length > 50 ? { pageSize: 50 } : false}
            data-testid="users-table"
          />
        </Flex>
      </Card>
      <HistoryDrawer
        open={historyOf !== null}
        onClose={() => setHistoryOf(null)}
        version={historyOf ? String(historyOf.id) : undefined}
        load={loadHistory}
        format={historyFormat}
        subtitle={historyOf?.full_name}
      />
      <FormModal<StaffUserCreate & EditForm>
        name="user"
        open={editing !== null}
        title={current ? t('users.editTitle', { name: current.full_name }) : t('users.addTitle')}
        okText={current ? t('common.save') : t('users.add')}
        initialValues={current ? { full_name: current.full_name, role: current.role } : { role: 'operator' }}
        onCancel={() => setEditing(null)}
        onSubmit={(values) => {
          if (!current) return usersApi.add(values);
          const body: StaffUserUpdate = { full_name: values.full_name };
          if (values.role !== current.role) body.role = values.role;
          if (values.password) body.password = values.password;
          return usersApi.change(current.id, body);
        }}
        onDone={() => {
          message.success(current ? t('common.saved') : t('users.added'));
          setEditing(null);
          reload();
        }}
      >
        <Form.Item label={t('users.fullName')} name="full_name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={200} autoFocus placeholder={t('users.fullNamePlaceholder')} />
        </Form.Item>
        {!current && (
          <Form.Item
            label={t('users.login')}
            name="login"
            extra={t('users.loginHint')}
            rules={[
              { required: true, message: t('common.required') },
              { pattern: /^\S+$/, message: t('users.loginSpaces') },
            ]}
          >
            <Input maxLength={100} autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item
          label={t('users.role')}
          name="role"
          rules={[{ required: true, message: t('common.required') }]}
          extra={current && isMe(current) ? t('users.ownRole') : t('users.roleHint')}
        >
          <Select options={roleOptions} disabled={!!current && isMe(current)} />
        </Form.Item>
        <Form.Item
          label={current ? t('users.newPassword') : t('users.password')}
          name="password"
          extra={current ? t('users.newPasswordHint') : t('users.passwordHint')}
          rules={[
            { required: !current, message: t('common.required') },
            { min: 8, message: t('users.passwordShort') },
          ]}
        >
          <Input.Password maxLength={1024} autoComplete="new-password" />
        </Form.Item>
      </FormModal>
    </>
  );
}
