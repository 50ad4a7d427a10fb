// «Добавить» on the clients list (C-7): type, ФИО or the organisation's name, phone, e-mail,
// gender, birth date, passport data, the note («Комментарий»), an external id. The caller
// opens the new client's card.
import { Col, Divider, Form, Input, Row } from 'antd';
import { clientsApi } from '../../api/resources';
import type { Client, ClientType } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useI18n } from '../../i18n';
import {
  ClientTypeField, createBody, EmailField, GenderBirthFields, NameFields, NoteField, PassportFields, PhoneField,
  type ClientFormValues,
} from './clientFields';

interface Props {
  open: boolean;
  onCancel: () => void;
  onCreated: (client: Client) => void;
}

export function ClientAddModal({ open, onCancel, onCreated }: Props) {
  const { t } = useI18n();
  return (
    <FormModal<ClientFormValues>
      name="client"
      width={720}
      open={open}
      title={t('client.new')}
      initialValues={{ type: 'individual' }}
      onCancel={onCancel}
      onSubmit={(v) => clientsApi.create(createBody(v))}
      onDone={(created) => onCreated(created as Client)}
    >
      <ClientTypeField />
      <Form.Item noStyle shouldUpdate={(a: ClientFormValues, b: ClientFormValues) => a.type !== b.type}>
        {({ getFieldValue }) => <NameFields type={getFieldValue('type') as ClientType | undefined} />}
      </Form.Item>
      <PhoneFieldPair />
      <GenderBirthFields />
      <Divider orientation="left" orientationMargin={0} style={{ marginTop: 0 }}>
        {t('client.section.passport')}
      </Divider>
      <PassportFields />
      <Divider orientation="left" orientationMargin={0} style={{ marginTop: 0 }}>
        {t('client.section.extra')}
      </Divider>
      <NoteField rows={2} />
      <Form.Item label={t('client.externalId')} name="external_id" extra={t('client.externalIdHint')}>
        <Input maxLength={100} />
      </Form.Item>
    </FormModal>
  );
}

function PhoneFieldPair() {
  return (
    <Row gutter={16}>
      <Col xs={24} sm={12}>
        <PhoneField />
      </Col>
      <Col xs={24} sm={12}>
        <EmailField />
      </Col>
    </Row>
  );
}
