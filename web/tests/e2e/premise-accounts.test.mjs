// Premise card, tab «Лицевые счета» (A-1…A-4, M-2): add an account → an invalid ЕЛС shows the
// server's error under the field → a valid one in lower case with a space is stored upper-case
// → the row opens its ledger: add a charge (month, service, ₽) and a payment → the debt in ₽
// with kopecks, an overpayment reads as such → the «Скрыт в приложении» switch saves at once →
// delete with a confirmation that counts the charges and payments; the English texts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, create, cyrWord, launch, newPage, norm, randomInn, screenshot, signIn, unique } from './helpers.mjs';

let browser;
let page;
let premise;
let legal;
let account;
const number = String(1e9 + Math.floor(Math.random() * 8e9));

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page);
  legal = await create(page, '/legal-entities', { name: unique('ООО «УК Счета»'), inn: randomInn() });
  const object = await create(page, '/objects', { name: unique('ЖК Счета'), city: 'Москва', street: `ул. Счётная${cyrWord()}`, house: '1' });
  premise = await create(page, '/premises', { object_id: object.id, type: 'flat', number: '7', total_area: 54.3 });
});
after(async () => {
  await browser?.close();
});

const table = () => page.getByTestId('premise-accounts-table');
const accountRow = () => table().locator('tbody tr.ant-table-row', { hasText: number });
const form = (name) => page.locator('.ant-modal-content').filter({ has: page.locator(`form#${name}`) });

async function submit(name, method, path) {
  const answer = page.waitForResponse((r) => r.url().includes(`/api/v1${path}`) && r.request().method() === method);
  await form(name).locator('.ant-modal-footer .ant-btn-primary').click();
  return answer;
}

test('an account is added; an invalid ЕЛС shows the server error under the field', async () => {
  await page.goto(`/premises/${premise.id}?tab=accounts`);
  await page.getByTestId('premise-accounts-tab').waitFor();
  await page.getByTestId('account-add').click();
  await form('account').waitFor();
  await page.locator('.ant-select:has(#account_legal_entity_id) .ant-select-selector').click();
  await page.locator('#account_legal_entity_id').fill(legal.name.slice(0, 12));
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: legal.name }).click();
  await page.locator('#account_number').fill(number);
  await page.locator('#account_unified_account').fill('12AB34');
  let res = await submit('account', 'POST', `/premises/${premise.id}/accounts`);
  assert.equal(res.status(), 422, await res.text());
  const error = form('account').locator('.ant-form-item:has(#account_unified_account) .ant-form-item-explain-error');
  await error.waitFor();
  assert.match(await error.innerText(), /ЕЛС/);
  await screenshot(page, 'premise-accounts-01-els-error');

  await page.locator('#account_unified_account').fill('12аб 345678');
  res = await submit('account', 'POST', `/premises/${premise.id}/accounts`);
  assert.equal(res.status(), 201, await res.text());
  account = await res.json();
  await form('account').waitFor({ state: 'hidden' });
  await accountRow().waitFor();
  const text = norm(await accountRow().innerText());
  assert.match(text, /12АБ345678/);
  assert.match(text, new RegExp(legal.name.replace(/[«»]/g, '.')));
  assert.match(text, /0,00 ₽/);
});

test('the ledger: a charge and a payment change the debt shown in roubles', async () => {
  // a new account opens its ledger
  const ledger = page.getByTestId(`ledger-${account.id}`);
  if (!(await ledger.isVisible())) await accountRow().click();
  await ledger.waitFor();
  await ledger.getByTestId('add-charge').click();
  await form('charge').waitFor();
  await page.locator('#charge_period').click();
  await page.locator('#charge_period').fill('10.2026');
  await page.locator('#charge_period').press('Enter');
  await page.locator('#charge_service').fill('Содержание жилья');
  await page.locator('#charge_amount').fill('1234,56');
  await screenshot(page, 'premise-accounts-02-charge-modal');
  let res = await submit('charge', 'POST', `/accounts/${account.id}/charges`);
  assert.equal(res.status(), 201, await res.text());
  const charge = await res.json();
  assert.equal(charge.amount, 123456);
  assert.equal(charge.period, '2026-10');
  await form('charge').waitFor({ state: 'hidden' });
  await ledger.getByTestId('charges-table').locator('tbody tr', { hasText: 'Содержание жилья' }).waitFor();
  assert.match(norm(await ledger.getByTestId('charges-table').innerText()), /10\.2026.*1 234,56 ₽/s);
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="premise-accounts-table"] tbody tr.ant-table-row')].some((tr) => tr.innerText.includes(n) && tr.innerText.replace(/[\s\u00a0\u202f]+/g, ' ').includes('1 234,56 ₽')),
    number,
  );

  await ledger.getByTestId('add-payment').click();
  await form('payment').waitFor();
  await page.locator('#payment_amount').fill('1500');
  await page.locator('#payment_source').fill('Сбербанк');
  res = await submit('payment', 'POST', `/accounts/${account.id}/payments`);
  assert.equal(res.status(), 201, await res.text());
  assert.equal((await res.json()).amount, 150000);
  await form('payment').waitFor({ state: 'hidden' });
  await ledger.getByTestId('payments-table').locator('tbody tr', { hasText: 'Сбербанк' }).waitFor();
  // 1 234,56 − 1 500,00: overpaid 265,44
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="premise-accounts-table"] tbody tr.ant-table-row')].some((tr) => tr.innerText.includes(n) && tr.innerText.replace(/[\s\u00a0\u202f]+/g, ' ').includes('переплата 265,44 ₽')),
    number,
  );
  const got = await apiCall(page, 'GET', `/accounts/${account.id}`);
  assert.equal(got.body.debt, -26544);
  await screenshot(page, 'premise-accounts-03-ledger', { fullPage: true });
});

test('«Скрыт в приложении» saves at once', async () => {
  const sw = accountRow().getByTestId('account-hidden');
  assert.equal(await sw.getAttribute('aria-checked'), 'false');
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/accounts/${account.id}`) && r.request().method() === 'PATCH');
  await sw.click();
  const res = await answer;
  assert.equal(res.status(), 200);
  assert.deepEqual(JSON.parse(res.request().postData()), { hidden_from_resident: true });
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="premise-accounts-table"] tbody tr.ant-table-row')].find((tr) => tr.innerText.includes(n))?.querySelector('[data-testid="account-hidden"]')?.getAttribute('aria-checked') === 'true',
    number,
  );
  assert.equal((await apiCall(page, 'GET', `/accounts/${account.id}`)).body.hidden_from_resident, true);
});

test('editing keeps the values; deleting names the charges and payments that go with it', async () => {
  await accountRow().locator('[data-action="edit"]').click();
  await form('account').waitFor();
  assert.equal(await page.locator('#account_number').inputValue(), number);
  assert.equal(await page.locator('#account_unified_account').inputValue(), '12АБ345678');
  await page.locator('#account_external_id').fill(`LS-${number}`);
  const res = await submit('account', 'PATCH', `/accounts/${account.id}`);
  assert.equal(res.status(), 200, await res.text());
  await form('account').waitFor({ state: 'hidden' });
  await accountRow().getByText(`LS-${number}`).waitFor();

  const deps = page.waitForResponse((r) => r.url().endsWith(`/accounts/${account.id}/dependents`));
  await accountRow().locator('[data-action="delete"]').click();
  assert.equal((await deps).status(), 200);
  const text = page.getByTestId('account-delete-text');
  await text.waitFor();
  assert.match(await text.innerText(), /начисления: 1, оплаты: 1/);
  await screenshot(page, 'premise-accounts-04-delete-confirm');
  const del = page.waitForResponse((r) => r.url().endsWith(`/api/v1/accounts/${account.id}`) && r.request().method() === 'DELETE');
  await page.locator('.ant-modal-confirm').getByRole('button', { name: 'Удалить' }).click();
  const deleted = await del;
  assert.equal(deleted.status(), 200);
  assert.deepEqual((await deleted.json()).deleted, { accounts: 1, charges: 1, payments: 1 });
  await accountRow().waitFor({ state: 'detached' });
  assert.equal((await apiCall(page, 'GET', `/accounts/${account.id}`)).status, 404);
});

test('English: the accounts and clients tabs are translated', async () => {
  const en = await newPage(browser, { lang: 'en' });
  await signIn(en);
  const acc = await create(en, `/premises/${premise.id}/accounts`, { legal_entity_id: legal.id, number: `EN-${number}` });
  await create(en, `/accounts/${acc.id}/charges`, { period: '2026-10', service: 'Содержание жилья', amount: 100050 });
  await en.goto(`/premises/${premise.id}?tab=accounts`);
  await en.getByTestId('premise-accounts-tab').waitFor();
  for (const header of ['Number', 'Unified account', 'Legal entity', 'Debt', 'Hidden in the app']) {
    await en.getByRole('columnheader', { name: header }).waitFor();
  }
  await en.getByTestId('premise-accounts-table').locator('tbody tr.ant-table-row', { hasText: `EN-${number}` }).click();
  await en.getByRole('button', { name: 'Add a charge' }).waitFor();
  assert.match(norm(await en.getByTestId('charges-table').innerText()), /1,000\.50 ₽/);
  await screenshot(en, 'premise-accounts-05-en');
  await en.getByRole('tab', { name: 'Clients' }).click();
  await en.getByTestId('premise-clients-tab').waitFor();
  for (const header of ['Full name', 'Role', 'Depends on', 'Share']) {
    await en.getByRole('columnheader', { name: header }).waitFor();
  }
  await en.getByTestId('link-add').click();
  await en.locator('.ant-modal-title', { hasText: 'Link a client to the premise' }).waitFor();
  await en.context().close();
});
