// Client card, tab «Помещения» (L-5): link a premise found by address through the link modal →
// the row links to the premise card → edit the role → remove with confirmation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { create, cyrWord, launch, newPage, screenshot, signIn, unique } from './helpers.mjs';

let browser;
let page;
let client;
let premise;
const street = `Адресная${cyrWord()}`;

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page);
  const object = await create(page, '/objects', { name: unique('ЖК Адреса'), city: 'Москва', street: `ул. ${street}`, house: '5' });
  premise = await create(page, '/premises', { object_id: object.id, type: 'flat', number: '41', total_area: 61 });
  client = await create(page, '/clients', { last_name: `Помещенцев${cyrWord()}`, first_name: 'Глеб' });
});
after(async () => {
  await browser?.close();
});

const rows = () => page.getByTestId('client-premises-table').locator('tbody tr.ant-table-row');
const linkModal = () => page.locator('.ant-modal-content').filter({ has: page.locator('form#link') });

test('a premise found by address is linked from the client card', async () => {
  await page.goto(`/clients/${client.id}?tab=premises`);
  await page.getByTestId('client-premises-tab').waitFor();
  assert.equal(await rows().count(), 0);
  await page.getByTestId('link-add').click();
  await linkModal().waitFor();
  const search = page.waitForResponse((r) => r.url().includes('/api/v1/premises?') && r.url().includes('q='));
  await page.locator('.ant-select:has(#link_premise_id) .ant-select-selector').click();
  await page.locator('#link_premise_id').fill(`${street} 5 41`);
  await search;
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: premise.address }).click();
  await page.locator('#link_comment').fill('Ключи у консьержа');
  await screenshot(page, 'client-premises-01-add-modal');
  const answer = page.waitForResponse((r) => r.url().includes(`/api/v1/clients/${client.id}/premises`) && r.request().method() === 'POST');
  await linkModal().getByRole('button', { name: 'Сохранить' }).click();
  const res = await answer;
  assert.equal(res.status(), 201, await res.text());
  await linkModal().waitFor({ state: 'hidden' });
  await rows().first().waitFor();
  const text = await rows().first().innerText();
  assert.match(text, new RegExp(street));
  assert.match(text, /Собственник/);
  await screenshot(page, 'client-premises-02-table');
});

test('the link is edited with the same modal', async () => {
  await rows().first().locator('[data-action="edit"]').click();
  await linkModal().waitFor();
  assert.match(await page.getByTestId('link-subject').inputValue(), new RegExp(street));
  assert.equal(await page.locator('#link_comment').inputValue(), 'Ключи у консьержа');
  await page.locator('.ant-select:has(#link_role) .ant-select-selector').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Неподтверждённый собственник' }).click();
  await page.locator('#link_ownership_share').fill('1/1');
  const answer = page.waitForResponse((r) => r.url().includes(`/premises/${premise.id}/clients/${client.id}`) && r.request().method() === 'PATCH');
  await linkModal().getByRole('button', { name: 'Сохранить' }).click();
  assert.equal((await answer).status(), 200);
  await linkModal().waitFor({ state: 'hidden' });
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="client-premises-table"] tbody tr.ant-table-row')?.innerText.includes('Неподтверждённый собственник'),
  );
  assert.match(await rows().first().getByTestId('link-share').innerText(), /1\/1/);
});

test('the address opens the premise card; the link is removed after confirmation', async () => {
  await rows().first().getByTestId('link-premise-address').click();
  await page.waitForURL(`**/premises/${premise.id}?tab=clients`);
  await page.getByTestId('premise-clients-tab').waitFor();
  await page.getByTestId('premise-clients-table').locator('tbody tr.ant-table-row', { hasText: client.last_name }).waitFor();

  await page.goto(`/clients/${client.id}?tab=premises`);
  await rows().first().waitFor();
  await rows().first().locator('[data-action="delete"]').click();
  const confirm = page.locator('.ant-popover:visible');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), new RegExp(street));
  const answer = page.waitForResponse((r) => r.url().includes(`/premises/${premise.id}/clients/${client.id}`) && r.request().method() === 'DELETE');
  await confirm.getByRole('button', { name: 'Удалить' }).click();
  assert.equal((await answer).status(), 204);
  await rows().first().waitFor({ state: 'detached' });
  assert.equal(await rows().count(), 0);
});
