// Language: Russian by default; the header switch turns the UI English and it is remembered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, launch, newPage, screenshot, signIn, unique } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('switching to English shows English menu labels, and survives a reload', async () => {
  const page = await newPage(browser);
  await signIn(page);
  // a non-empty list, so the table shows its pagination
  assert.equal((await apiCall(page, 'POST', '/objects', { name: unique('Дом'), street: 'Арбат', house: '5' })).status, 201);
  await page.goto('/objects');
  await page.getByRole('menuitem', { name: 'Помещения' }).waitFor();
  // antd's own texts are Russian too (ru_RU locale)
  await page.locator('.ant-pagination-options .ant-select-selection-item', { hasText: '/ стр.' }).waitFor();

  await page.getByTestId('lang-switch').getByText('EN', { exact: true }).click();
  // («Integration» is in the menu of admins only: exchange-log.test.mjs)
  for (const label of ['Premises', 'Clients', 'Objects', 'Legal entities', 'Sign out']) {
    await page.getByRole('menuitem', { name: label }).waitFor();
  }
  await page.getByRole('tab', { name: 'Object groups' }).waitFor();
  await page.locator('.ant-pagination-options .ant-select-selection-item', { hasText: '/ page' }).waitFor();
  assert.equal(await page.getByRole('menuitem', { name: 'Помещения' }).count(), 0);
  await screenshot(page, '10-objects-en');

  await page.reload();
  await page.getByRole('menuitem', { name: 'Legal entities' }).waitFor();
  // antd's own texts follow (en_US pagination/empty texts)
  await page.getByRole('menuitem', { name: 'Legal entities' }).click();
  await page.getByRole('heading', { name: 'Legal entities' }).waitFor();

  await page.getByTestId('lang-switch').getByText('RU', { exact: true }).click();
  await page.getByRole('menuitem', { name: 'Юр. лица' }).waitFor();
  await page.context().close();
});
