// «Настройки» → «Интеграция» → «Обмен данными» (SPEC I-9, admins only): the exchange log with
// its filters and an operation's drawer, and «Проверка и загрузка JSON» (a dry run, then a
// confirmed load). Operators do not see the section. Needs the admin of run-with-server.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_LOGIN, ADMIN_PASSWORD, apiCall, cyrWord, expectAdminOnly, launch, newPage, randomPhone, screenshot, signIn } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const adminOnly = { skip: !ADMIN_LOGIN && 'no admin credentials (UPRAVDOM_ADMIN_LOGIN)' };

function clientRecord(externalId, phone) {
  const name = cyrWord(7);
  return { client: { external_id: externalId, last_name: name[0].toUpperCase() + name.slice(1), first_name: 'Иван', phone } };
}

const rowsOf = (page) => page.getByTestId('operations-table').locator('tbody tr.ant-table-row');

test('an admin reads the exchange log, filters it and opens an operation', adminOnly, async () => {
  const page = await newPage(browser);
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  const tag = Date.now().toString(36);
  // two operations through the import API: a clean load and a dry run with a bad phone
  const ok = await apiCall(page, 'POST', '/exchange/import', {
    source: '1c',
    records: [clientRecord(`E2E-${tag}-1`, randomPhone().e164), clientRecord(`E2E-${tag}-2`, randomPhone().e164)],
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const bad = await apiCall(page, 'POST', '/exchange/import', {
    source: 'xml',
    dry_run: true,
    records: [clientRecord(`E2E-${tag}-3`, randomPhone().e164), clientRecord(`E2E-${tag}-4`, '12345')],
  });
  assert.equal(bad.status, 200, JSON.stringify(bad.body));
  assert.equal(bad.body.status, 'failed');

  await page.getByRole('menuitem', { name: 'Интеграция' }).click();
  await page.waitForURL('**/settings/integration');
  await page.getByRole('heading', { name: 'Интеграция' }).waitFor();
  await page.getByRole('tab', { name: 'Обмен данными' }).waitFor();
  await page.getByRole('tab', { name: 'Лог' }).waitFor();
  await page.getByRole('tab', { name: 'Проверка и загрузка JSON' }).waitFor();

  // newest first: the dry run, then the load
  const first = rowsOf(page).first();
  await first.waitFor();
  assert.match(await first.innerText(), /Ошибка[\s\S]*Проверка импорта[\s\S]*xml/);
  assert.match(await rowsOf(page).nth(1).innerText(), /OK[\s\S]*Импорт[\s\S]*1c/);
  const failedTag = first.getByTestId('operation-status');
  assert.equal(await failedTag.innerText(), 'Ошибка');
  assert.match(await failedTag.getAttribute('class'), /ant-tag-red/);
  await screenshot(page, '40-exchange-log');

  // the status filter asks the server
  const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/exchange/operations?') && r.url().includes('status=ok'));
  await page.getByTestId('status-filter').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'OK' }).click();
  await filtered;
  await page.waitForFunction(() => !document.querySelector('[data-testid="operations-table"] .ant-spin-spinning'));
  const texts = await rowsOf(page).allInnerTexts();
  assert.ok(texts.length > 0 && texts.every((r) => r.includes('OK') && !r.includes('Ошибка')), texts.join('\n'));
  await page.getByTestId('status-filter').locator('.ant-select-clear').click({ force: true });

  // the failed dry run's drawer: counts, the message and the error with its field
  await page.waitForFunction(() => !document.querySelector('[data-testid="operations-table"] .ant-spin-spinning'));
  await rowsOf(page).first().click();
  const drawer = page.locator('.ant-drawer-content');
  await drawer.getByText(`Операция № ${bad.body.operation_id}`).waitFor();
  await drawer.getByTestId('operation-counts').waitFor();
  assert.match(await drawer.getByTestId('operation-counts').innerText(), /Записей в пакете\s*2/);
  const errors = drawer.getByTestId('operation-errors');
  await errors.waitFor();
  assert.match(await errors.innerText(), /client\.phone/);
  await screenshot(page, '41-exchange-operation-drawer');
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });
  await page.context().close();
});

test('«Проверка и загрузка JSON»: a dry run shows the plan, a confirmed load writes', adminOnly, async () => {
  const page = await newPage(browser);
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/settings/integration?section=json');
  const tag = Date.now().toString(36);
  const batch = { source: '1c', records: [clientRecord(`E2E-J${tag}-1`, randomPhone().e164), clientRecord(`E2E-J${tag}-2`, randomPhone().e164)] };
  await page.getByTestId('json-text').fill(JSON.stringify(batch, null, 2));

  // a dry run: nothing is created, the plan says «Создано»
  const checked = page.waitForResponse((r) => r.url().endsWith('/api/v1/exchange/import'));
  await page.getByTestId('json-check').click();
  const checkBody = await (await checked).json();
  assert.equal(checkBody.dry_run, true);
  const answer = page.getByTestId('json-answer');
  await answer.getByText('Результат проверки — в базу ничего не записано').waitFor();
  assert.match(await page.getByTestId('json-results').innerText(), /Создано/);
  assert.match(await answer.getByTestId('operation-counts').innerText(), /Создано\s*2/);
  await screenshot(page, '42-exchange-json-check', { fullPage: true });
  const search = await apiCall(page, 'GET', `/clients?q=${encodeURIComponent(batch.records[0].client.last_name)}`);
  assert.equal(search.body.total, 0, 'a dry run writes nothing');

  // a load asks first
  await page.getByTestId('json-load').click();
  await page.getByText('Загрузить пакет в базу?').waitFor();
  const loaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/exchange/import'));
  await page.locator('.ant-popconfirm .ant-btn-primary').click();
  const loadBody = await (await loaded).json();
  assert.equal(loadBody.dry_run, false);
  assert.equal(loadBody.status, 'ok');
  await answer.getByText('Результат загрузки').waitFor();
  const created = await apiCall(page, 'GET', `/clients?q=${encodeURIComponent(batch.records[0].client.last_name)}`);
  assert.equal(created.body.total, 1);

  // the operation opens from the answer
  await answer.getByTestId('json-operation-link').click();
  await page.locator('.ant-drawer-content').getByText(`Операция № ${loadBody.operation_id}`).waitFor();
  await page.keyboard.press('Escape');

  // not JSON: said in place, nothing sent
  await page.getByTestId('json-text').fill('{"records": [');
  await page.getByTestId('json-check').click();
  await page.getByTestId('json-problem').getByText('Текст не является корректным JSON', { exact: false }).waitFor();
  await page.context().close();
});

test('«Проверка и загрузка JSON»: a large check shows its progress while it runs', adminOnly, async () => {
  const page = await newPage(browser);
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/settings/integration?section=json');
  const tag = Date.now().toString(36);
  // Enough records for a check of several seconds (the page reads the log every 0.7 s), sent
  // as a picked file: a 7 MB text area would be slow to fill.
  const total = 60000;
  const records = Array.from({ length: total }, (_, i) => clientRecord(`E2E-P${tag}-${i}`, randomPhone().e164));
  const buffer = Buffer.from(JSON.stringify({ source: `e2e-${tag}`, records }));
  await page.locator('input[type=file]').setInputFiles({ name: 'batch.json', mimeType: 'application/json', buffer });
  await page.getByTestId('json-file').waitFor();
  const checked = page.waitForResponse((r) => r.url().endsWith('/api/v1/exchange/import'), { timeout: 120000 });
  await page.getByTestId('json-check').click();
  // the log's running dry run gives «processed of records» and the bar
  const running = page.getByTestId('json-running');
  await running.getByText(new RegExp(`Обработано записей: \\d+ из ${total}`)).waitFor({ timeout: 60000 });
  assert.ok(Number(await running.locator('.ant-progress').getAttribute('aria-valuenow')) > 0);
  await screenshot(page, '43-exchange-json-progress');
  assert.equal((await (await checked).json()).counts.processed, total);
  await page.getByTestId('json-answer').waitFor();
  await page.context().close();
});

test('operators do not see «Интеграция»', async () => {
  await expectAdminOnly(browser, {
    menu: 'Интеграция',
    url: '/settings/integration',
    refusal: 'Раздел «Интеграция» доступен только администратору',
  });
});
