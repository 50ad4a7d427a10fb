// «Настройки» → «Интеграция» (admins only): tab «Обмен данными» with «Общие настройки» (FTP),
// «Импорт» (files, report e-mail, schedule, «Запустить сейчас»), the exchange log and the
// JSON check and load; tab «API-токены» with the integrations' tokens. The section lives in
// `?section=` (the log by default; `tokens` is the second tab).
import { Card, Result, Tabs } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n';
import { ApiTokensTab } from './ApiTokensTab';
import { ExchangeLogTab } from './ExchangeLogTab';
import { ImportSettingsTab } from './ImportSettingsTab';
import { JsonImportTab } from './JsonImportTab';
import { SettingsTab } from './SettingsTab';

const SECTIONS = ['settings', 'import', 'log', 'json', 'tokens'] as const;
type Section = (typeof SECTIONS)[number];

export function IntegrationPage() {
  const { t } = useI18n();
  const { isAdmin } = useAuth();
  const [params, setParams] = useSearchParams();
  const requested = params.get('section') ?? '';
  const section: Section = (SECTIONS as readonly string[]).includes(requested) ? (requested as Section) : 'log';

  if (!isAdmin) {
    return (
      <>
        <PageHeader title={t('integration.title')} />
        <Card>
          <Result status="403" title="403" subTitle={t('integration.adminOnly')} />
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader title={t('integration.title')} />
      <Card styles={{ body: { paddingTop: 8 } }}>
        <Tabs
          activeKey={section === 'tokens' ? 'tokens' : 'exchange'}
          onChange={(key) => setParams(key === 'tokens' ? { section: 'tokens' } : {}, { replace: true })}
          destroyOnHidden
          data-testid="integration-tabs"
          items={[
            {
              key: 'exchange',
              label: t('integration.tab.exchange'),
              children: (
                <Tabs
                  type="card"
                  size="small"
                  activeKey={section}
                  onChange={(key) => setParams(key === 'log' ? {} : { section: key }, { replace: true })}
                  destroyOnHidden
                  data-testid="exchange-sections"
                  items={[
                    { key: 'settings', label: t('integration.section.settings'), children: <SettingsTab /> },
                    { key: 'import', label: t('integration.section.import'), children: <ImportSettingsTab /> },
                    { key: 'log', label: t('integration.section.log'), children: <ExchangeLogTab /> },
                    { key: 'json', label: t('integration.section.json'), children: <JsonImportTab /> },
                  ]}
                />
              ),
            },
            { key: 'tokens', label: t('integration.tab.tokens'), children: <ApiTokensTab /> },
          ]}
        />
      </Card>
    </>
  );
}
