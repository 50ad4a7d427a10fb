// «Настройки» → «Интеграция» → «API-токены» (SPEC P-1, admins only): an admin issues a token
// (its text shown once), the token imports through the API, and revoking it (confirmed) makes
// the API refuse it. Needs the admin of run-with-server.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_LOGIN, ADMIN_PASSWORD, BASE_URL, launch, modal, newPage, screenshot, signIn, unique } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const adminOnly = { skip: !ADMIN_LOGIN && 'no admin credentials (UPRAVDOM_ADMIN_LOGIN)' };

/** The import API as an accounting system calls it: with the bearer token, no cookies; the status. */
async function importWith(token) {
  const res = await fetch(`${BASE_URL}/api/v1/exchange/import`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    // a dry run: checked, nothing written
    body: JSON.stringify({
      source: '1c',
      dry_run: true,
      records: [{ client: { external_id: 'E2E-TOKEN-1', last_name: 'Токенов', first_name: 'Иван' } }],
    }),
  });
  return res.status;
}

test('an admin issues a token, it imports, and once revoked it is refused', adminOnly, async () => {
  const page = await newPage(browser);
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.getByRole('menuitem', { name: 'Интеграция' }).click();
  await page.getByRole('tab', { name: 'API-токены' }).click();
  await page.waitForURL('**/settings/integration?section=tokens');
  await page.getByTestId('api-tokens').waitFor();

  // the name is required
  const name = unique('1С: Бухгалтерия');
  await page.getByTestId('token-issue').click();
  const form = modal(page, 'Новый API-токен');
  await form.getByRole('button', { name: 'Выпустить токен' }).click();
  await form.getByText('Заполните поле').waitFor();
  await page.locator('#token_name').fill(name);
  await screenshot(page, '60-api-token-new');
  await form.getByRole('button', { name: 'Выпустить токен' }).click();

  // shown once, with how to use it
  const shown = page.getByTestId('token-issued');
  await shown.waitFor();
  const token = (await page.getByTestId('token-text').innerText()).trim();
  assert.match(token, /^upd_\S{30,}$/);
  assert.match(await shown.innerText(), /показывается один раз[\s\S]*Authorization: Bearer upd_/);
  await screenshot(page, '61-api-token-issued');
  await page.getByRole('button', { name: 'Я сохранил токен' }).click();

  // in the list, without its text
  const row = page.locator('[data-testid="api-tokens"] tbody tr.ant-table-row', { hasText: name });
  await row.waitFor();
  assert.ok(!(await row.innerText()).includes(token), 'the list shows the token again');
  await screenshot(page, '62-api-tokens');

  assert.equal(await importWith(token), 200, 'the issued token does not import');

  // revoking asks first; cancelled, nothing happens
  await row.getByRole('button', { name: 'Отозвать' }).click();
  const confirm = page.locator('.ant-popconfirm:visible');
  await confirm.getByText(`Отозвать токен «${name}»?`).waitFor();
  await confirm.getByRole('button', { name: 'Отмена' }).click();
  assert.equal(await importWith(token), 200, 'a cancelled revocation revoked the token');

  await row.getByRole('button', { name: 'Отозвать' }).click();
  await page.locator('.ant-popconfirm:visible').getByRole('button', { name: 'Отозвать' }).click();
  await page.getByText(`Токен «${name}» отозван`).waitFor();
  await row.waitFor({ state: 'detached' });
  assert.equal(await importWith(token), 401, 'the revoked token still imports');
  await page.close();
});
