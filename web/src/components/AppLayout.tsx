// The signed-in frame: side menu of the whole product, header with the organisation,
// the CRM space switch (P-4), the user, their role and the language switch.
import { ApartmentOutlined, ApiOutlined, BankOutlined, HomeOutlined, LogoutOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Flex, Layout, Menu, Segmented, Space, Tag, Tooltip, Typography, type MenuProps } from 'antd';
import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { Space as CrmSpace } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n, type Lang, type MessageKey } from '../i18n';
import { useApiError } from './useApiError';

const { Sider, Header, Content } = Layout;

const roleColor: Record<string, string> = { admin: 'gold', operator: 'blue', readonly: 'default', integration: 'purple' };

export function AppLayout() {
  const { t, lang, setLang } = useI18n();
  const { user, logout, space, setSpace, isAdmin } = useAuth();
  const { message } = App.useApp();
  const showError = useApiError();
  const [switching, setSwitching] = useState(false);

  const switchSpace = async (next: CrmSpace) => {
    setSwitching(true);
    try {
      await setSpace(next);
      message.success(t('space.switched', { space: t(`space.${next}` as MessageKey) }));
    } catch (err) {
      showError(err);
    } finally {
      setSwitching(false);
    }
  };
  const location = useLocation();
  const navigate = useNavigate();

  // settings are for admins only (the API refuses the others anyway)
  const settings: NonNullable<MenuProps['items']> = isAdmin
    ? [
        {
          type: 'group',
          key: 'settings',
          label: t('menu.settings'),
          children: [
            { key: '/settings/users', icon: <UserOutlined />, label: t('menu.users') },
            { key: '/settings/integration', icon: <ApiOutlined />, label: t('menu.integration') },
          ],
        },
      ]
    : [];
  const items: MenuProps['items'] = [
    {
      type: 'group',
      key: 'management',
      label: t('menu.management'),
      children: [
        { key: '/premises', icon: <HomeOutlined />, label: t('menu.premises') },
        { key: '/clients', icon: <TeamOutlined />, label: t('menu.clients') },
      ],
    },
    {
      type: 'group',
      key: 'references',
      label: t('menu.references'),
      children: [
        { key: '/objects', icon: <ApartmentOutlined />, label: t('menu.objects') },
        { key: '/legal-entities', icon: <BankOutlined />, label: t('menu.legalEntities') },
      ],
    },
    ...settings,
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('menu.logout'), danger: true },
  ];

  const section = ['/premises', '/clients', '/objects', '/legal-entities', '/settings/users', '/settings/integration'].find(
    (p) => location.pathname === p || location.pathname.startsWith(`${p}/`),
  );

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'logout') void logout();
    else navigate(key);
  };

  const roleKey = `role.${user?.role ?? 'operator'}` as MessageKey;

  return (
    <Layout style={{ minHeight: '100vh', background: '#0f1f3d' }}>
      <Sider width={240} breakpoint="lg" collapsedWidth={0} theme="dark" style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
        <Flex align="center" gap={10} style={{ padding: '20px 24px 16px' }}>
          <img src="/favicon.svg" width={28} height={28} alt="" />
          <div style={{ lineHeight: 1.2 }}>
            <div style={{ color: '#fff', fontWeight: 600, fontSize: 17 }}>{t('app.name')}</div>
            <div style={{ color: 'rgba(255,255,255,0.55)', fontSize: 12 }}>{t('app.tagline')}</div>
          </div>
        </Flex>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={section ? [section] : []}
          items={items}
          onClick={onClick}
          data-testid="side-menu"
        />
      </Sider>
      <Layout style={{ background: '#f4f6fa' }}>
        <Header
          style={{
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #e8ecf2',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <Typography.Text strong style={{ fontSize: 16 }} data-testid="org-name">
            {user?.organization.name}
          </Typography.Text>
          <Space size={16}>
            <Tooltip title={t('space.hint')}>
              <Segmented<CrmSpace>
                value={space}
                disabled={switching || !space}
                onChange={(v) => void switchSpace(v)}
                options={[
                  { value: 'operations', label: t('space.operations') },
                  { value: 'construction', label: t('space.construction') },
                ]}
                data-testid="space-switch"
              />
            </Tooltip>
            <Tooltip title={t('lang.label')}>
              <Segmented<Lang>
                size="small"
                value={lang}
                onChange={setLang}
                options={[
                  { value: 'ru', label: 'RU' },
                  { value: 'en', label: 'EN' },
                ]}
                data-testid="lang-switch"
              />
            </Tooltip>
            <Space size={8}>
              <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f5fd6' }} />
              <Typography.Text data-testid="user-name">{user?.full_name || user?.login}</Typography.Text>
              <Tag color={roleColor[user?.role ?? 'operator']} style={{ marginInlineEnd: 0 }} data-testid="user-role">
                {t(roleKey)}
              </Tag>
            </Space>
          </Space>
        </Header>
        <Content style={{ padding: 24, background: '#f4f6fa' }}>
          <div style={{ maxWidth: 1400, margin: '0 auto' }}>
            <Outlet />
          </div>
        </Content>
      </Layout>
    </Layout>
  );
}
