// Legal entities: the server's 422 field error appears under the ИНН field; a valid one is added.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, modal, newPage, randomInn, screenshot, signIn, unique } from './helpers.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page);
});
after(async () => {
  await browser?.close();
});

test('ИНН 1234567890 → the server answers 422 and the message shows under the ИНН field', async () => {
  await page.goto('/legal-entities');
  await page.getByTestId('add-button').click();
  const form = modal(page, 'Новое юр. лицо');
  await form.locator('#legal_name').fill(unique('ООО «Ромашка»'));
  await form.locator('#legal_inn').fill('1234567890');

  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/legal-entities') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Сохранить' }).click();
  const res = await answer;
  assert.equal(res.status(), 422);
  const body = await res.json();
  assert.equal(body.code, 'validation_failed');
  assert.ok(body.fields?.inn, 'the answer names the inn field');

  const error = form.locator('.ant-form-item:has(#legal_inn) .ant-form-item-explain-error');
  await error.waitFor();
  assert.equal((await error.innerText()).trim(), body.fields.inn);
  await screenshot(page, '09-legal-inn-error');

  // a valid ИНН saves; the new row is in the list
  const inn = randomInn();
  await form.locator('#legal_inn').fill(inn);
  await form.locator('#legal_kpp').fill('773601001');
  await form.getByRole('button', { name: 'Сохранить' }).click();
  await form.waitFor({ state: 'hidden' });
  const search = page.getByTestId('table-search');
  await search.fill(inn);
  await search.press('Enter');
  await page.getByRole('row', { name: new RegExp(inn) }).waitFor();
  await search.fill('');
  await search.press('Enter');
  await screenshot(page, '08-legal-entities');
});
