// Shows an API error to the user: field errors in place on the form (422, or 409 with
// fields), everything else as a message with the server's text.
import { App, type FormInstance } from 'antd';
import { useCallback } from 'react';
import { ApiError, NETWORK_ERROR_CODE } from '../api/client';
import { useI18n, type TFunction } from '../i18n';

export function errorText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    if (err.code === NETWORK_ERROR_CODE) return t('error.network');
    if (err.message) return err.message;
    if (err.status === 403) return t('error.forbidden');
    if (err.status === 404) return t('error.notFound');
  }
  return t('error.generic');
}

/** Returns `show(err, form?)`. With a form, server field errors go under those fields. */
export function useApiError() {
  const { message } = App.useApp();
  const { t } = useI18n();

  return useCallback(
    (err: unknown, form?: FormInstance) => {
      if (err instanceof ApiError && err.status === 401) return; // the app goes to /login
      if (form && err instanceof ApiError && err.hasFieldErrors) {
        const registered = new Set(form.getFieldsError().map((f) => f.name.join('.')));
        const inPlace = Object.entries(err.fields).filter(([name]) => registered.has(name));
        const elsewhere = Object.entries(err.fields).filter(([name]) => !registered.has(name));
        form.setFields(inPlace.map(([name, text]) => ({ name, errors: [text] })));
        if (inPlace.length > 0) {
          // scroll the first bad field into view in long forms
          form.scrollToField(inPlace[0][0], { block: 'center' });
        }
        if (elsewhere.length > 0 || inPlace.length === 0) {
          const detail = elsewhere.map(([name, text]) => `${name}: ${text}`).join('; ');
          message.error(detail ? `${errorText(err, t)} (${detail})` : errorText(err, t));
        }
        return;
      }
      message.error(errorText(err, t));
    },
    [message, t],
  );
}
