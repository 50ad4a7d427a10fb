// «Объекты» with tabs objects / object groups / quarters; the tab lives in `?tab=`.
import { Card, Tabs } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n';
import { ObjectGroupsTab } from './ObjectGroupsTab';
import { ObjectsTab } from './ObjectsTab';
import { QuartersTab } from './QuartersTab';

const TABS = ['objects', 'groups', 'quarters'] as const;
type Tab = (typeof TABS)[number];

export function ObjectsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'objects';
  // bumped when groups or quarters change, so the other tabs' selects reload
  const [refKey, setRefKey] = useState(0);
  const bump = () => setRefKey((k) => k + 1);

  return (
    <>
      <PageHeader title={t('objects.title')} />
      <Card styles={{ body: { paddingTop: 8 } }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'objects' ? {} : { tab: key }, { replace: true })}
          destroyOnHidden
          items={[
            { key: 'objects', label: t('objects.tab.objects'), children: <ObjectsTab refKey={refKey} /> },
            { key: 'groups', label: t('objects.tab.groups'), children: <ObjectGroupsTab onChanged={bump} /> },
            { key: 'quarters', label: t('objects.tab.quarters'), children: <QuartersTab refKey={refKey} onChanged={bump} /> },
          ]}
        />
      </Card>
    </>
  );
}
