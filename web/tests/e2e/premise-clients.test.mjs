// Premise card, tab «Клиенты» (L-1…L-6): the no-area warning → link a client found by phone in
// another format than stored (8 (916) …) → the «Нет данных для ОСС» mark with what is missing →
// edit the share and the ДДУ date, the mark goes → a dependent role needs an owner (client-side
// rule), then depends on the owner → shares over the whole: the server's error under the field
// → removing an owner with dependants: the 409 dialog lists them and re-points them to another
// owner → a plain remove with confirmation, recorded in the premise's history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, create, cyrWord, launch, modal, newPage, norm, randomPhone, screenshot, signIn, unique } from './helpers.mjs';

let browser;
let page;
let premise;
const root = `Связкин${cyrWord()}`;
const owner = { last_name: `${root}а`, first_name: 'Ирина', phone: randomPhone() };
const resident = { last_name: `${root}б`, first_name: 'Павел', phone: randomPhone() };
const second = { last_name: `${root}в`, first_name: 'Олег', phone: randomPhone() };
const ids = {};
const fullName = (c) => `${c.last_name} ${c.first_name}`;

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page);
  const object = await create(page, '/objects', { name: unique('ЖК Связи'), city: 'Москва', street: `ул. ${root}`, house: '3' });
  // no total area: the tab warns about it (L-6)
  premise = await create(page, '/premises', { object_id: object.id, type: 'flat', number: '12' });
  for (const [key, c] of Object.entries({ owner, resident, second })) {
    ids[key] = (await create(page, '/clients', { last_name: c.last_name, first_name: c.first_name, phone: c.phone.e164 })).id;
  }
});
after(async () => {
  await browser?.close();
});

const tab = () => page.getByTestId('premise-clients-tab');
/** The row of this client (by the name link: a dependant's row names its owner too). */
const row = (name) =>
  page
    .getByTestId('premise-clients-table')
    .locator('tbody tr.ant-table-row')
    .filter({ has: page.getByTestId('link-client-name').filter({ hasText: name }) });
const linkModal = () => page.locator('.ant-modal-content').filter({ has: page.locator('form#link') });

/** Opens an antd Select (by its input id) and clicks the option with this text. */
async function choose(inputId, text) {
  await page.locator(`.ant-select:has(#${inputId}) .ant-select-selector`).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
  await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' }).catch(() => {});
}

/** Clicks the modal's «Сохранить» and returns the answer of the request matching `method` and `path`. */
async function save(method, path) {
  const answer = page.waitForResponse((r) => r.url().includes(`/api/v1${path}`) && r.request().method() === method);
  await linkModal().getByRole('button', { name: 'Сохранить' }).click();
  return answer;
}

test('the premise without area is warned about; a client found by phone in another format is linked as owner', async () => {
  await page.goto(`/premises/${premise.id}?tab=clients`);
  await tab().waitFor();
  await page.getByTestId('no-area-alert').waitFor();
  assert.match(await page.getByTestId('no-area-alert').innerText(), /не указана общая площадь/);

  await page.getByTestId('link-add').click();
  await linkModal().waitFor();
  // the phone as «8 (916) …» while the client was stored as +7916…
  const search = page.waitForResponse((r) => r.url().includes('/api/v1/clients?') && r.url().includes('q='));
  await page.locator('.ant-select:has(#link_client_id) .ant-select-selector').click();
  await page.locator('#link_client_id').fill(owner.phone.eight);
  await search;
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: fullName(owner) });
  await option.waitFor();
  assert.match(await option.innerText(), new RegExp(owner.phone.formatted.replace(/\+/g, '\\+')));
  await option.click();
  // a new link is an owner (L-2); an owner depends on nobody
  assert.match(await page.locator('.ant-select:has(#link_role)').innerText(), /Собственник/);
  assert.equal(await page.locator('#link_owner_client_id').count(), 0);
  await page.locator('#link_ddu_number').fill('ДДУ-17/254');
  await screenshot(page, 'premise-clients-01-add-modal');

  const res = await save('POST', `/premises/${premise.id}/clients`);
  assert.equal(res.status(), 201, await res.text());
  await linkModal().waitFor({ state: 'hidden' });
  await row(fullName(owner)).waitFor();
  assert.match(norm(await row(fullName(owner)).innerText()), new RegExp(owner.phone.formatted.replace(/\+/g, '\\+')));
  assert.match(await row(fullName(owner)).innerText(), /Собственник/);
  assert.match(await row(fullName(owner)).innerText(), /№ ДДУ-17\/254/);
});

test('an owner lacking ОСС data is marked with what is missing; filling it removes the mark', async () => {
  const mark = row(fullName(owner)).getByTestId('oss-mark');
  await mark.waitFor();
  assert.match(await mark.innerText(), /Нет данных для ОСС/);
  await mark.hover();
  const tip = page.locator('.ant-tooltip:visible');
  await tip.waitFor();
  const text = await tip.innerText();
  assert.match(text, /дата ДДУ/);
  assert.match(text, /доля/);
  assert.doesNotMatch(text, /номер ДДУ/);
  assert.match(await page.getByTestId('owners-incomplete').innerText(), /1/);
  await screenshot(page, 'premise-clients-02-oss-mark');

  await row(fullName(owner)).locator('[data-action="edit"]').click();
  await linkModal().waitFor();
  assert.equal(await page.locator('#link_ddu_number').inputValue(), 'ДДУ-17/254');
  await page.locator('#link_ownership_share').fill('1/2');
  await page.locator('#link_ddu_date').fill('15.03.2021');
  await page.locator('#link_ddu_date').press('Enter');
  const res = await save('PATCH', `/premises/${premise.id}/clients/${ids.owner}`);
  assert.equal(res.status(), 200, await res.text());
  await linkModal().waitFor({ state: 'hidden' });
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('[data-testid="premise-clients-table"] tbody tr')].some((tr) => tr.innerText.includes(name) && tr.innerText.includes('1/2')),
    fullName(owner),
  );
  assert.equal(await row(fullName(owner)).getByTestId('oss-mark').count(), 0);
  assert.match(await row(fullName(owner)).innerText(), /15\.03\.2021/);
});

test('a dependent role needs the owner it depends on', async () => {
  await page.getByTestId('link-add').click();
  await linkModal().waitFor();
  await page.locator('.ant-select:has(#link_client_id) .ant-select-selector').click();
  await page.locator('#link_client_id').fill(resident.last_name);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: fullName(resident) }).click();
  await choose('link_role', 'Проживающий / член семьи');
  // the owner choice appears for the dependent role, the share goes
  await page.locator('#link_owner_client_id').waitFor();
  assert.equal(await page.locator('#link_ownership_share').count(), 0);
  await linkModal().getByRole('button', { name: 'Сохранить' }).click();
  await linkModal().locator('.ant-form-item-explain-error', { hasText: 'Укажите собственника' }).waitFor();
  await choose('link_owner_client_id', fullName(owner));
  await screenshot(page, 'premise-clients-03-dependent');
  const res = await save('POST', `/premises/${premise.id}/clients`);
  assert.equal(res.status(), 201, await res.text());
  await linkModal().waitFor({ state: 'hidden' });
  await row(fullName(resident)).waitFor();
  const text = await row(fullName(resident)).innerText();
  assert.match(text, /Проживающий \/ член семьи/);
  assert.match(text, new RegExp(fullName(owner)));
});

test("owners' shares over the whole: the server's error shows under the share", async () => {
  await page.getByTestId('link-add').click();
  await linkModal().waitFor();
  await page.locator('.ant-select:has(#link_client_id) .ant-select-selector').click();
  await page.locator('#link_client_id').fill(second.last_name);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: fullName(second) }).click();
  await page.locator('#link_ownership_share').fill('2/3');
  const res = await save('POST', `/premises/${premise.id}/clients`);
  assert.equal(res.status(), 422, await res.text());
  const error = linkModal().locator('.ant-form-item:has(#link_ownership_share) .ant-form-item-explain-error');
  await error.waitFor();
  assert.match(await error.innerText(), /превышает/);
  await screenshot(page, 'premise-clients-04-share-error');
  await page.locator('#link_ownership_share').fill('50%');
  const ok = await save('POST', `/premises/${premise.id}/clients`);
  assert.equal(ok.status(), 201, await ok.text());
  await linkModal().waitFor({ state: 'hidden' });
  await row(fullName(second)).waitFor();
  assert.match(await row(fullName(second)).getByTestId('link-share').innerText(), /50%/);
  await screenshot(page, 'premise-clients-05-table');
});

test('removing an owner with dependants asks what to do with them; re-pointing keeps them', async () => {
  await row(fullName(owner)).locator('[data-action="delete"]').click();
  const confirm = page.locator('.ant-popover:visible');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /Удалить связь\?/);
  const answer = page.waitForResponse((r) => r.url().includes(`/clients/${ids.owner}`) && r.request().method() === 'DELETE');
  await confirm.getByRole('button', { name: 'Удалить' }).click();
  assert.equal((await answer).status(), 409);
  const dialog = page.getByTestId('dependants-modal');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), new RegExp(fullName(resident)));
  assert.match(await dialog.innerText(), /Удалить вместе с зависимыми/);
  await dialog.getByText('Переназначить на другого собственника').click();
  await page.locator('[data-testid="dependants-owner"] .ant-select-selector').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: fullName(second) }).click();
  await screenshot(page, 'premise-clients-06-dependants');
  const again = page.waitForResponse((r) => r.url().includes(`/clients/${ids.owner}?`) && r.request().method() === 'DELETE');
  await page.locator('.ant-modal-content').filter({ has: dialog }).getByRole('button', { name: 'Переназначить и удалить' }).click();
  const res = await again;
  assert.equal(res.status(), 204);
  assert.match(res.url(), /dependants=reassign/);
  assert.match(res.url(), new RegExp(`owner_client_id=${ids.second}`));
  await row(fullName(owner)).waitFor({ state: 'detached' });
  // the dependant now depends on the other owner
  await page.waitForFunction(
    ([r, o]) => [...document.querySelectorAll('[data-testid="premise-clients-table"] tbody tr')].some((tr) => tr.innerText.includes(r) && tr.innerText.includes(o)),
    [fullName(resident), fullName(second)],
  );
});

test('a link without dependants is removed after the confirmation; the name opens the client card', async () => {
  await row(fullName(resident)).locator('[data-action="delete"]').click();
  const confirm = page.locator('.ant-popover:visible');
  await confirm.waitFor();
  // «Отмена» keeps it
  await confirm.getByRole('button', { name: 'Отмена' }).click();
  assert.equal(await row(fullName(resident)).count(), 1);
  await row(fullName(resident)).locator('[data-action="delete"]').click();
  const answer = page.waitForResponse((r) => r.url().includes(`/clients/${ids.resident}`) && r.request().method() === 'DELETE');
  await page.locator('.ant-popover:visible').getByRole('button', { name: 'Удалить' }).click();
  assert.equal((await answer).status(), 204);
  await row(fullName(resident)).waitFor({ state: 'detached' });
  const links = await apiCall(page, 'GET', `/premises/${premise.id}/clients`);
  assert.deepEqual(links.body.items.map((l) => l.client_id), [ids.second]);

  // the premise's history records link changes as one readable line each
  await page.getByTestId('history-button').click();
  const change = page.locator('[data-testid="history-change"][data-field^="link:"]').first();
  await change.waitFor();
  const line = await change.innerText();
  assert.match(line, /Клиент помещения/);
  assert.match(line, new RegExp(fullName(resident)));
  await screenshot(page, 'premise-clients-07-history');
  await page.keyboard.press('Escape');
  await page.locator('.ant-drawer-content').waitFor({ state: 'hidden' });

  await row(fullName(second)).getByTestId('link-client-name').click();
  await page.waitForURL(`**/clients/${ids.second}`);
  await page.getByTestId('client-title').waitFor();
});
