// Premises (R-1…R-8): add through the modal → the card opens → edit and save → search by
// address and by number → filter by type → sort by area → delete with confirmation; the
// server's 422 on living area > total area shows under the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, launch, modal, newPage, pickOption, screenshot, signIn, unique } from './helpers.mjs';

let browser;
let page;
// one object per run with a street no other run uses, so searches find only this run's premises
const cyr = 'абвгдежзиклмнопрстуфхцэюя';
const streetWord = `Проверочная${Array.from({ length: 6 }, () => cyr[Math.floor(Math.random() * cyr.length)]).join('')}`;
const number = String(10000 + Math.floor(Math.random() * 89999));
const objectName = unique('ЖК Тестовый');
let object;
let entrance;

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page);
  const group = await apiCall(page, 'POST', '/object-groups', { name: unique('Группа помещений') });
  assert.equal(group.status, 201);
  const res = await apiCall(page, 'POST', '/objects', {
    name: objectName,
    object_group_id: group.body.id,
    city: 'Москва',
    street: `ул. ${streetWord}`,
    house: '10',
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  object = res.body;
  entrance = (await apiCall(page, 'POST', `/objects/${object.id}/entrances`, { number: 1 })).body;
  for (const n of [1, 2, 3]) {
    assert.equal((await apiCall(page, 'POST', `/objects/${object.id}/floors`, { number: n, entrance_id: entrance.id })).status, 201);
  }
  // neighbours for the list, the type filter and the area sort
  const others = [
    { type: 'flat', number: '9', total_area: 80.2, living_area: 51, tags: ['угловая'] },
    { type: 'flat', number: '101', total_area: 33 },
    { type: 'parking', number: '12', level: '-1', total_area: 13.25 },
    { type: 'storage', number: '3', level: '-1', total_area: 4.5 },
    { type: 'non_residential', number: '1Н', total_area: 120 },
  ];
  for (const p of others) {
    const r = await apiCall(page, 'POST', '/premises', { object_id: object.id, ...p });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});
after(async () => {
  await browser?.close();
});

const table = () => page.getByTestId('premises-table');
const rows = () => table().locator('tbody tr.ant-table-row');

/**
 * Runs `action`, waits for the list request it causes (whose URL contains `expect`, when
 * given) and for the table to show the answer; returns the rows' addresses.
 */
async function listed(action, expect = '') {
  const answer = page.waitForResponse(
    (r) => r.url().includes('/api/v1/premises?') && r.url().includes(expect) && r.request().method() === 'GET',
  );
  await action();
  const res = await answer;
  assert.equal(res.status(), 200);
  const body = await res.json();
  // the table shows exactly that answer
  const expected = body.items.map((p) => p.address);
  await page
    .waitForFunction(
      (want) => {
        const got = [...document.querySelectorAll('[data-testid="premises-table"] tbody tr.ant-table-row > td:first-child')].map(
          (td) => td.innerText.trim(),
        );
        return !document.querySelector('[data-testid="premises-table"] .ant-spin-spinning') && JSON.stringify(got) === JSON.stringify(want);
      },
      expected,
      { timeout: 5000 },
    )
    .catch(() => {});
  return rows().locator('td:first-child').allInnerTexts();
}

/** Types into the search box and presses Enter; returns the rows' addresses. */
function search(q) {
  return listed(async () => {
    const box = page.getByTestId('table-search');
    await box.fill(q);
    await box.press('Enter');
  }, `q=${encodeURIComponent(q).replace(/%20/g, '+')}`);
}

let premiseId;

test('add a flat through the modal: only the type\'s address fields, the card opens', async () => {
  // «/» opens the register
  await page.goto('/');
  await page.waitForURL((u) => u.pathname === '/premises');
  await page.getByRole('heading', { name: 'Помещения' }).waitFor();
  await page.getByTestId('add-button').click();
  const form = modal(page, 'Новое помещение');
  await form.waitFor();
  await pickOption(page, 'premise_object_id', objectName);

  // a flat has only «Номер квартиры»; a parking space has its number and «Уровень»
  await form.getByText('Номер квартиры', { exact: true }).waitFor();
  assert.equal(await form.locator('#premise_level').count(), 0);
  await pickOption(page, 'premise_type', 'Машиноместо');
  await form.getByText('Номер машиноместа', { exact: true }).waitFor();
  await form.locator('#premise_level').fill('-2');
  await pickOption(page, 'premise_type', 'Дом');
  await form.locator('#premise_street').waitFor();
  await form.locator('#premise_house').waitFor();
  assert.equal(await form.locator('#premise_level').count(), 0);
  await pickOption(page, 'premise_type', 'Квартира');
  await form.getByText('Номер квартиры', { exact: true }).waitFor();
  assert.equal(await form.locator('#premise_level').count(), 0);
  assert.equal(await form.locator('#premise_street').count(), 0);

  await form.locator('#premise_number').fill(number);
  await pickOption(page, 'premise_entrance_id', 'Подъезд 1');
  await pickOption(page, 'premise_floor_id', 'Этаж 2');
  await form.locator('#premise_total_area').fill('54,3');
  await form.locator('#premise_living_area').fill('30.5');
  await form.locator('#premise_online_payment').click();
  await screenshot(page, 'premises-03-add-modal');

  const request = page.waitForRequest((r) => r.url().endsWith('/api/v1/premises') && r.method() === 'POST');
  await form.getByRole('button', { name: 'Сохранить' }).click();
  const body = (await request).postDataJSON();
  assert.deepEqual(body, {
    object_id: object.id,
    type: 'flat',
    number,
    entrance_id: entrance.id,
    floor_id: body.floor_id,
    total_area: 54.3,
    living_area: 30.5,
    online_payment: true,
  });
  assert.ok(Number.isInteger(body.floor_id), 'a floor was sent');

  await page.waitForURL(/\/premises\/\d+$/);
  premiseId = Number(new URL(page.url()).pathname.split('/').pop());
  const title = page.getByTestId('premise-title');
  await title.waitFor();
  assert.match(await title.innerText(), new RegExp(`${streetWord}.*10.*кв\\. ${number}`));
  for (const tab of ['Общие сведения', 'Клиенты', 'Лицевые счета', 'Документы', 'Активность']) {
    await page.getByRole('tab', { name: tab }).waitFor();
  }
  assert.equal(await page.locator('#premise_card_number').inputValue(), number);
  assert.match(await page.getByTestId('created-at').innerText(), /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
});

test('edit area, note and a new tag on the card; «Действия» → «Сохранить» keeps them', async () => {
  assert.ok(premiseId, 'the premise of the previous test');
  const tag = `тег-${Date.now().toString(36)}`;
  await page.goto(`/premises/${premiseId}`);
  await page.locator('#premise_card_total_area').waitFor();
  await page.locator('#premise_card_total_area').fill('60,5');
  await page.locator('#premise_card_rooms').fill('2');
  await page.locator('#premise_card_note').fill('Ключи у консьержа');
  const tags = page.locator('#premise_card_tags');
  await tags.click();
  await tags.fill(tag);
  await tags.press('Enter');
  await page.getByTestId('unsaved').waitFor();

  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/premises/${premiseId}`) && r.request().method() === 'PATCH');
  await page.getByTestId('actions-button').click();
  await page.getByRole('menuitem', { name: 'Сохранить' }).click();
  const res = await answer;
  assert.equal(res.status(), 200);
  const saved = await res.json();
  assert.equal(saved.total_area, 60.5);
  assert.equal(saved.rooms, 2);
  assert.equal(saved.note, 'Ключи у консьержа');
  assert.deepEqual(saved.tags, [tag]);
  await page.getByText('Сохранено').first().waitFor();
  await page.getByTestId('unsaved').waitFor({ state: 'detached' });

  await page.reload();
  await page.locator('#premise_card_total_area').waitFor();
  assert.equal(await page.locator('#premise_card_total_area').inputValue(), '60,5');
  assert.equal(await page.locator('#premise_card_note').inputValue(), 'Ключи у консьержа');
  await page.locator('.ant-form-item:has(#premise_card_tags) .ant-select-selection-item', { hasText: tag }).waitFor();
  await screenshot(page, 'premises-04-card', { fullPage: true });

  // the tag is offered from GET /tags
  const found = await apiCall(page, 'GET', `/tags?q=${encodeURIComponent(tag.slice(0, 6))}`);
  assert.ok(found.body.items.some((t) => t.name === tag));
});

test('living area greater than total → the server\'s 422 shows under «Жилая площадь»', async () => {
  await page.goto(`/premises/${premiseId}`);
  await page.locator('#premise_card_living_area').waitFor();
  await page.locator('#premise_card_living_area').fill('70');
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/premises/${premiseId}`) && r.request().method() === 'PATCH');
  await page.getByTestId('actions-button').click();
  await page.getByRole('menuitem', { name: 'Сохранить' }).click();
  const res = await answer;
  assert.equal(res.status(), 422);
  const body = await res.json();
  assert.equal(body.code, 'validation_failed');
  assert.ok(body.fields?.living_area, 'the answer names living_area');
  const error = page.locator('.ant-form-item:has(#premise_card_living_area) .ant-form-item-explain-error');
  await error.waitFor();
  assert.equal((await error.innerText()).trim(), body.fields.living_area);
  await screenshot(page, 'premises-06-living-area-error');
  // nothing was saved
  const stored = await apiCall(page, 'GET', `/premises/${premiseId}`);
  assert.equal(stored.body.living_area, 30.5);
});

test('changing the type on the card shows the new type\'s fields and clears the old ones', async () => {
  const created = await apiCall(page, 'POST', '/premises', { object_id: object.id, type: 'parking', number: '40', level: '-2' });
  assert.equal(created.status, 201);
  await page.goto(`/premises/${created.body.id}`);
  await page.locator('#premise_card_level').waitFor();
  assert.equal(await page.locator('#premise_card_level').inputValue(), '-2');
  await pickOption(page, 'premise_card_type', 'Кладовая');
  await page.getByText('Номер кладовой', { exact: true }).waitFor();
  await pickOption(page, 'premise_card_type', 'Квартира');
  await page.getByText('Номер квартиры', { exact: true }).waitFor();
  assert.equal(await page.locator('#premise_card_level').count(), 0);

  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/premises/${created.body.id}`) && r.request().method() === 'PATCH');
  await page.getByTestId('actions-button').click();
  await page.getByRole('menuitem', { name: 'Сохранить' }).click();
  const res = await answer;
  assert.equal(res.request().postDataJSON().level, null);
  assert.equal(res.status(), 200);
  const saved = await res.json();
  assert.equal(saved.type, 'flat');
  assert.equal(saved.level, null);
  await page.getByTestId('premise-title').filter({ hasText: 'кв. 40' }).waitFor();
  assert.equal((await apiCall(page, 'DELETE', `/premises/${created.body.id}`)).status, 200);
});

test('search by «street house number» and by the number alone; the URL keeps the search', async () => {
  await page.goto('/premises');
  let list = await search(`${streetWord} 10 ${number}`);
  assert.match(page.url(), /[?&]q=/);
  assert.equal(list.length, 1, list.join(' | '));
  assert.match(list[0], new RegExp(`кв\\. ${number}`));

  list = await search(`ул. ${streetWord.toUpperCase()}, д. 10, кв. ${number}`);
  assert.equal(list.length, 1, list.join(' | '));

  list = await search(number);
  assert.ok(list.some((a) => a.includes(streetWord) && a.includes(`кв. ${number}`)), list.join(' | '));

  // a reload keeps the search box and the result
  list = await listed(() => page.reload(), `q=${number}`);
  assert.equal(await page.getByTestId('table-search').inputValue(), number);
  assert.ok(list.some((a) => a.includes(`кв. ${number}`)));

  // into the card and back: the list is as it was
  await rows().filter({ hasText: streetWord }).first().getByRole('link').click();
  await page.waitForURL(/\/premises\/\d+$/);
  await page.getByTestId('premise-title').waitFor();
  await page.goBack();
  await page.waitForURL(/\/premises\?/);
  assert.equal(await page.getByTestId('table-search').inputValue(), number);

  list = await search('нет-такой-улицы 999 999');
  assert.equal(list.length, 0);
  await page.getByText('Ничего не найдено').waitFor();
});

test('filters: object and type from the panel, with a count badge, chips and «Сбросить»', async () => {
  await listed(() => page.goto('/premises'));
  await page.getByTestId('filters-button').click();
  const drawer = page.getByTestId('filters-drawer');
  await drawer.waitFor();
  await listed(() => pickOption(page, 'filter_object_id', objectName), `object_id=${object.id}`);
  await page.keyboard.press('Escape');
  let list = await listed(() => pickOption(page, 'filter_type', 'Машиноместо'), 'type=parking');
  await page.keyboard.press('Escape');
  assert.match(page.url(), new RegExp(`object_id=${object.id}`));
  assert.match(page.url(), /type=parking/);
  await screenshot(page, 'premises-02-filters');
  await drawer.getByTestId('filters-done').click();
  await drawer.waitFor({ state: 'hidden' });

  assert.deepEqual(list.length, 1, list.join(' | '));
  assert.match(list[0], /м\/м 12/);
  assert.equal((await page.getByTestId('filters-button').locator('xpath=..').locator('.ant-badge-count').innerText()).trim(), '2');
  assert.match(await rows().first().innerText(), /Машиноместо/);

  // a second type: any of them
  await page.getByTestId('filters-button').click();
  list = await listed(() => pickOption(page, 'filter_type', 'Кладовая'), 'type=storage');
  await page.keyboard.press('Escape');
  await drawer.getByTestId('filters-done').click();
  assert.match(page.url(), /type=parking.*type=storage|type=storage.*type=parking/);
  assert.equal(list.length, 2, list.join(' | '));

  // a chip removes one value
  list = await listed(() =>
    page.getByTestId('filter-chips').locator('.ant-tag', { hasText: 'Кладовая' }).locator('.ant-tag-close-icon').click(),
  );
  assert.ok(!page.url().includes('storage'));
  assert.equal(list.length, 1);

  // the export link carries the same search and filters
  const href = await page.getByTestId('export-button').getAttribute('href');
  assert.match(href, /^\/api\/v1\/premises\/export\.xlsx\?/);
  assert.match(href, new RegExp(`object_id=${object.id}`));
  assert.match(href, /type=parking/);
  const exported = await page.evaluate(async (url) => {
    const r = await fetch(url);
    const buf = await r.arrayBuffer();
    return { status: r.status, type: r.headers.get('content-type'), size: buf.byteLength, magic: new TextDecoder().decode(buf.slice(0, 2)) };
  }, href);
  assert.equal(exported.status, 200);
  assert.match(exported.type ?? '', /spreadsheetml/);
  assert.equal(exported.magic, 'PK');

  await page.getByTestId('reset-button').click();
  await page.waitForURL((u) => u.search === '');
  // the badge leaves with an animation
  await page.getByTestId('filters-button').locator('xpath=..').locator('.ant-badge-count').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('filter-chips').count(), 0);
});

test('sort by area: ascending, then descending (the URL keeps it)', async () => {
  await listed(() => page.goto(`/premises?object_id=${object.id}`));
  const areaHeader = table().locator('th', { hasText: 'Площадь' });
  const areaOf = async () =>
    (await rows().locator('td:nth-child(3)').allInnerTexts()).map((s) => Number(s.replace(/[^\d,]/g, '').replace(',', '.')));

  await listed(() => areaHeader.click(), 'sort=area');
  assert.match(page.url(), /sort=area/);
  const asc = await areaOf();
  assert.equal(asc.length, 6, asc.join(' '));
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
  assert.equal(asc[0], 4.5);
  await screenshot(page, 'premises-01-list');

  await listed(() => areaHeader.click(), 'sort=-area');
  assert.match(page.url(), /sort=-area/);
  const desc = await areaOf();
  assert.deepEqual(desc, [...asc].reverse());
  assert.equal(desc[0], 120);

  // a reload keeps the order
  await listed(() => page.reload(), 'sort=-area');
  assert.deepEqual(await areaOf(), desc);

  // address order is natural: … кв. 9 before кв. 101
  const byAddress = await listed(() => table().locator('th', { hasText: 'Адрес' }).click(), 'sort=address');
  assert.ok(!page.url().includes('sort='));
  const nine = byAddress.findIndex((a) => a.endsWith('кв. 9'));
  const hundredOne = byAddress.findIndex((a) => a.endsWith('кв. 101'));
  assert.ok(nine >= 0 && hundredOne > nine, byAddress.join(' | '));
});

test('delete from the card: the confirmation says what goes with it, then the list no longer has it', async () => {
  await page.goto(`/premises/${premiseId}`);
  await page.getByTestId('premise-title').waitFor();
  const deps = page.waitForResponse((r) => r.url().endsWith(`/api/v1/premises/${premiseId}/dependents`));
  await page.getByTestId('actions-button').click();
  await page.getByRole('menuitem', { name: 'Удалить' }).click();
  assert.equal((await deps).status(), 200);
  const confirm = page.locator('.ant-modal-confirm');
  await confirm.waitFor();
  const text = await confirm.getByTestId('delete-confirm-text').innerText();
  // no accounts or links yet: the simple confirmation naming the premise
  assert.match(text, new RegExp(`кв\\. ${number}`));
  assert.match(text, /нельзя отменить/);
  await screenshot(page, 'premises-05-delete-confirm');
  await confirm.getByRole('button', { name: 'Удалить' }).click();
  await page.waitForURL((u) => u.pathname === '/premises');
  await page.getByText('Помещение удалено').first().waitFor();

  assert.deepEqual(await search(`${streetWord} 10 ${number}`), []);
  await page.getByText('Ничего не найдено').waitFor();
  assert.equal((await apiCall(page, 'GET', `/premises/${premiseId}`)).status, 404);
});

test('English: the list and the add modal are translated', async () => {
  const en = await newPage(browser, { lang: 'en' });
  await signIn(en);
  await en.goto(`/premises?object_id=${object.id}&sort=area`);
  await en.getByRole('heading', { name: 'Premises' }).waitFor();
  for (const col of ['Address', 'Type', 'Area', 'Object', 'Clients']) {
    await en.locator('th', { hasText: col }).first().waitFor();
  }
  await en.getByText('Parking space').first().waitFor();
  await en.getByText(/13\.25 m²/).first().waitFor();
  await en.getByTestId('add-button').click();
  await modal(en, 'New premise').getByText('Flat number', { exact: true }).waitFor();
  await screenshot(en, 'premises-07-en');
  await en.context().close();
});
