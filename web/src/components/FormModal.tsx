// A modal with a vertical form: submits through `onSubmit`, shows the server's field
// errors in place and other errors as a message; closes on success.
import { Form, Modal, type FormInstance } from 'antd';
import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { useApiError } from './useApiError';

export interface FormModalProps<V> {
  open: boolean;
  title: ReactNode;
  /** Form name: input ids become `${name}_${field}`. */
  name: string;
  initialValues?: Partial<V>;
  onCancel: () => void;
  onSubmit: (values: V) => Promise<unknown>;
  onDone: (result: unknown) => void;
  onValuesChange?: (changed: Partial<V>, all: V, form: FormInstance<V>) => void;
  children: ReactNode;
  width?: number;
  okText?: string;
}

export function FormModal<V extends object>(props: FormModalProps<V>) {
  const { t } = useI18n();
  const [form] = Form.useForm<V>();
  const [saving, setSaving] = useState(false);
  const showError = useApiError();

  const submit = async () => {
    let values: V;
    try {
      values = await form.validateFields();
    } catch {
      return; // client-side rule messages are already shown
    }
    setSaving(true);
    try {
      const result = await props.onSubmit(values);
      props.onDone(result);
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={props.title}
      width={props.width ?? 520}
      okText={props.okText ?? t('common.save')}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={props.onCancel}
      confirmLoading={saving}
      destroyOnHidden
      maskClosable={false}
      forceRender={false}
    >
      <Form<V>
        form={form}
        name={props.name}
        layout="vertical"
        initialValues={props.initialValues}
        requiredMark
        preserve={false}
        // the form instance outlives the destroyed modal: without this, values of one opening
        // (an «add») would override the initial values of the next (an «edit»)
        clearOnDestroy
        onValuesChange={(changed, all) => props.onValuesChange?.(changed, all, form)}
        onFinish={submit}
        style={{ marginTop: 16 }}
      >
        {props.children}
        {/* Enter in any input submits */}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}
