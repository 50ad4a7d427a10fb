// Clients list with links and accounts (C-1, C-3): the «Помещения» column shows the client's
// premises with the role, the «Задолженность» column the debt in ₽; the filters drawer's
// «Долг от / до» (₽, sent as kopecks) and «Роль» narrow the list, and a chip clears the range.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { create, cyrWord, launch, newPage, norm, randomInn, screenshot, signIn, unique } from './helpers.mjs';

let browser;
let page;
const root = `Должников${cyrWord()}`;
const big = { last_name: `${root}а`, first_name: 'Анна' };
const small = { last_name: `${root}б`, first_name: 'Борис' };
const tenant = { last_name: `${root}в`, first_name: 'Вера' };
let premiseBig;

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page);
  const legal = await create(page, '/legal-entities', { name: unique('ООО «УК Долги»'), inn: randomInn() });
  const object = await create(page, '/objects', { name: unique('ЖК Долги'), city: 'Москва', street: `ул. ${root}`, house: '9' });
  premiseBig = await create(page, '/premises', { object_id: object.id, type: 'flat', number: '1', total_area: 40 });
  const premiseSmall = await create(page, '/premises', { object_id: object.id, type: 'flat', number: '2', total_area: 40 });
  const ids = {};
  for (const [k, c] of Object.entries({ big, small, tenant })) ids[k] = (await create(page, '/clients', c)).id;
  await create(page, `/premises/${premiseBig.id}/clients`, { client_id: ids.big, role: 'owner' });
  await create(page, `/premises/${premiseBig.id}/clients`, { client_id: ids.tenant, role: 'tenant', owner_client_id: ids.big });
  await create(page, `/premises/${premiseSmall.id}/clients`, { client_id: ids.small, role: 'owner' });
  const a1 = await create(page, `/premises/${premiseBig.id}/accounts`, { legal_entity_id: legal.id, number: `D${Date.now()}1` });
  const a2 = await create(page, `/premises/${premiseSmall.id}/accounts`, { legal_entity_id: legal.id, number: `D${Date.now()}2` });
  await create(page, `/accounts/${a1.id}/charges`, { period: '2026-09', service: 'Содержание жилья', amount: 750000 });
  await create(page, `/accounts/${a2.id}/charges`, { period: '2026-09', service: 'Содержание жилья', amount: 12050 });
});
after(async () => {
  await browser?.close();
});

const rows = () => page.getByTestId('clients-table').locator('tbody tr.ant-table-row');
const row = (name) => rows().filter({ hasText: name });

/** Waits for the list request whose URL contains every part and for the spinner to go; returns the rows' names. */
async function listed(action, ...parts) {
  const answer = page.waitForResponse(
    (r) => r.url().includes('/api/v1/clients?') && parts.every((p) => r.url().includes(p)) && r.request().method() === 'GET',
  );
  await action();
  const body = await (await answer).json();
  const want = body.items.map((c) => c.full_name);
  await page.waitForFunction(
    (w) =>
      !document.querySelector('[data-testid="clients-table"] .ant-spin-spinning') &&
      JSON.stringify([...document.querySelectorAll('[data-testid="clients-table"] tbody tr.ant-table-row > td:nth-child(2) a')].map((a) => a.innerText.trim())) ===
        JSON.stringify(w),
    want,
  );
  return want;
}

test('the list shows premises with roles and the debt', async () => {
  const names = await listed(() => page.goto(`/clients?q=${encodeURIComponent(root)}`), `q=`);
  assert.equal(names.length, 3);
  const bigRow = norm(await row(`${big.last_name} ${big.first_name}`).innerText());
  assert.match(bigRow, new RegExp(`${root}.*собственник`, 's'));
  assert.match(bigRow, /7 500,00 ₽/);
  const tenantRow = norm(await row(`${tenant.last_name} ${tenant.first_name}`).innerText());
  assert.match(tenantRow, /арендатор/);
  assert.match(norm(await row(`${small.last_name} ${small.first_name}`).innerText()), /120,50 ₽/);
  await screenshot(page, 'clients-debt-01-list');
});

test('«Долг от / до» in roubles filters by kopecks; the chip clears it', async () => {
  await page.getByTestId('filters-button').click();
  await page.getByTestId('filters-drawer').waitFor();
  let names = await listed(async () => {
    await page.locator('#filter_debt_min').fill('1000');
    await page.locator('#filter_debt_min').press('Enter');
  }, 'debt_min=100000');
  // the tenant of the premise carries its debt too (Σ over the client's premises)
  assert.deepEqual(names.sort(), [`${big.last_name} ${big.first_name}`, `${tenant.last_name} ${tenant.first_name}`].sort());
  names = await listed(async () => {
    await page.locator('#filter_debt_max').fill('7499,99');
    await page.locator('#filter_debt_max').press('Enter');
  }, 'debt_min=100000', 'debt_max=749999');
  assert.deepEqual(names, []);
  names = await listed(async () => {
    await page.locator('#filter_debt_min').fill('');
    await page.locator('#filter_debt_min').press('Enter');
  }, 'debt_max=749999');
  assert.deepEqual(names, [`${small.last_name} ${small.first_name}`]);

  // the role filter
  names = await listed(async () => {
    await page.locator('#filter_debt_max').fill('');
    await page.locator('#filter_debt_max').press('Enter');
    await page.locator('.ant-select:has(#filter_role) .ant-select-selector').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Арендатор' }).click();
  }, 'role=tenant');
  assert.deepEqual(names, [`${tenant.last_name} ${tenant.first_name}`]);
  await screenshot(page, 'clients-debt-02-filters');
  await page.getByTestId('filters-done').click();
  await page.getByTestId('filters-drawer').waitFor({ state: 'hidden' });

  // chips: role; then a debt range chip closes as one
  await listed(async () => {
    await page.goto(`/clients?q=${encodeURIComponent(root)}&debt_min=100000`);
  }, 'debt_min=100000');
  const chip = page.getByTestId('debt-chip');
  await chip.waitFor();
  assert.match(norm(await chip.innerText()), /Долг: от 1 000,00 ₽/);
  await screenshot(page, 'clients-debt-03-chip');
  names = await listed(() => chip.locator('.ant-tag-close-icon').click(), `q=`);
  assert.equal(names.length, 3);
});
