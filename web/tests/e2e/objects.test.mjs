// Reference data: object groups, quarters and objects through the UI; the object card
// with entrances and floors; delete with confirmation and the in_use answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, launch, modal, newPage, pickOption, screenshot, signIn, unique } from './helpers.mjs';

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

async function searchTable(q) {
  const search = page.getByTestId('table-search');
  await search.fill(q);
  await search.press('Enter');
}

test('create an object group, a quarter and an object, and see the object in the list', async () => {
  const group = unique('Группа');
  const quarter = unique('Квартал');
  const object = unique('ЖК Солнечный');

  await page.goto('/objects?tab=groups');
  await page.getByTestId('add-button').click();
  const groupModal = modal(page, 'Новая группа объектов');
  await groupModal.locator('#group_name').fill(group);
  await groupModal.getByRole('button', { name: 'Сохранить' }).click();
  await groupModal.waitFor({ state: 'hidden' });
  await searchTable(group);
  await page.getByRole('row', { name: new RegExp(group) }).waitFor();
  await searchTable('');
  await screenshot(page, '04a-object-groups');

  await page.getByRole('tab', { name: 'Кварталы' }).click();
  await page.getByTestId('add-button').click();
  const quarterModal = modal(page, 'Новый квартал');
  await quarterModal.locator('#quarter_name').fill(quarter);
  await pickOption(page, 'quarter_object_group_id', group);
  await quarterModal.getByRole('button', { name: 'Сохранить' }).click();
  await quarterModal.waitFor({ state: 'hidden' });
  await searchTable(quarter);
  const quarterRow = page.getByRole('row', { name: new RegExp(quarter) });
  await quarterRow.waitFor();
  assert.match(await quarterRow.innerText(), new RegExp(group));
  await searchTable('нет-такого-квартала');
  await page.getByText('Ничего не найдено').waitFor();
  await screenshot(page, '04b-quarters-nothing-found');

  await page.getByRole('tab', { name: 'Объекты' }).click();
  await page.getByTestId('add-button').click();
  const objectModal = modal(page, 'Новый объект');
  await objectModal.locator('#object_name').fill(object);
  // choosing the quarter fills its group
  await pickOption(page, 'object_quarter_id', quarter);
  await objectModal.locator('#object_city').fill('Москва');
  await objectModal.locator('#object_street').fill('ул. Ленина');
  await objectModal.locator('#object_house').fill('10к2');
  await screenshot(page, '05-object-add-modal');
  await objectModal.getByRole('button', { name: 'Сохранить' }).click();
  await objectModal.waitFor({ state: 'hidden' });

  await searchTable(object);
  const row = page.getByRole('row', { name: new RegExp(object) });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /Москва, ул\. Ленина, 10к2/);
  assert.match(text, new RegExp(group));
  assert.match(text, new RegExp(quarter));
  await screenshot(page, '04-objects');

  // the card: fields, dates, entrances and floors
  await row.getByRole('link', { name: object }).click();
  await page.waitForURL(/\/objects\/\d+$/);
  await page.locator('#object_card_name').waitFor();
  assert.equal(await page.locator('#object_card_name').inputValue(), object);
  assert.match(await page.getByTestId('created-at').innerText(), /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);

  const entrances = page.getByTestId('entrances-card');
  await entrances.getByTestId('add-button').click();
  const entranceModal = modal(page, 'Новый подъезд');
  await entranceModal.locator('#entrance_number').fill('1');
  await entranceModal.locator('#entrance_name').fill('Главный');
  await entranceModal.getByRole('button', { name: 'Сохранить' }).click();
  await entranceModal.waitFor({ state: 'hidden' });
  await entrances.getByRole('row', { name: /Главный/ }).waitFor();

  const floors = page.getByTestId('floors-card');
  await floors.getByTestId('add-button').click();
  const floorModal = modal(page, 'Новый этаж');
  await floorModal.locator('#floor_number').fill('5');
  await pickOption(page, 'floor_entrance_id', 'Главный');
  await floorModal.getByRole('button', { name: 'Сохранить' }).click();
  await floorModal.waitFor({ state: 'hidden' });
  await floors.getByRole('row', { name: /Главный/ }).waitFor();

  // edit a field of the object on the card
  await page.locator('#object_card_house').fill('12');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await page.getByText('Сохранено').first().waitFor();
  await screenshot(page, '06-object-card');
});

test('a second entrance with the same number shows the server error in place', async () => {
  const name = unique('Дом');
  const created = await apiCall(page, 'POST', '/objects', { name, street: 'Тверская', house: '1' });
  assert.equal(created.status, 201);
  const first = await apiCall(page, 'POST', `/objects/${created.body.id}/entrances`, { number: 3 });
  assert.equal(first.status, 201);

  await page.goto(`/objects/${created.body.id}`);
  const entrances = page.getByTestId('entrances-card');
  await entrances.getByRole('row', { name: /^3\b/ }).waitFor();
  await entrances.getByTestId('add-button').click();
  const entranceModal = modal(page, 'Новый подъезд');
  await entranceModal.locator('#entrance_number').fill('3');
  await entranceModal.getByRole('button', { name: 'Сохранить' }).click();
  const error = entranceModal.locator('.ant-form-item:has(#entrance_number) .ant-form-item-explain-error');
  await error.waitFor();
  assert.ok((await error.innerText()).trim().length > 0);
  await entranceModal.getByRole('button', { name: 'Отмена' }).click();
});

test('an object keeps its external id; a taken one shows the server error under the field', async () => {
  const ext = unique('H');
  const taken = await apiCall(page, 'POST', '/objects', { name: unique('Дом'), street: 'Тверская', house: '2', external_id: ext });
  assert.equal(taken.status, 201);

  await page.goto('/objects');
  await page.getByTestId('add-button').click();
  const objectModal = modal(page, 'Новый объект');
  await objectModal.locator('#object_name').fill(unique('Дом'));
  await objectModal.locator('#object_street').fill('Тверская');
  await objectModal.locator('#object_house').fill('3');
  await objectModal.locator('#object_external_id').fill(ext);
  await objectModal.getByRole('button', { name: 'Сохранить' }).click();
  const error = objectModal.locator('.ant-form-item:has(#object_external_id) .ant-form-item-explain-error');
  await error.waitFor();
  assert.match(await error.innerText(), /внешним идентификатором/);
  await objectModal.locator('#object_external_id').fill(`${ext}-2`);
  await objectModal.getByRole('button', { name: 'Сохранить' }).click();
  await objectModal.waitFor({ state: 'hidden' });
  await searchTable(`${ext}-2`);
  await page.getByRole('row', { name: /Тверская, 3/ }).waitFor();
});

test('delete with confirmation; a group still in use shows the server message', async () => {
  const free = unique('Удаляемая группа');
  const used = unique('Занятая группа');
  assert.equal((await apiCall(page, 'POST', '/object-groups', { name: free })).status, 201);
  const usedGroup = await apiCall(page, 'POST', '/object-groups', { name: used });
  assert.equal(usedGroup.status, 201);
  assert.equal((await apiCall(page, 'POST', '/quarters', { name: unique('Кв'), object_group_id: usedGroup.body.id })).status, 201);

  await page.goto('/objects?tab=groups');
  await searchTable(free);
  const row = page.getByRole('row', { name: new RegExp(free) });
  await row.waitFor();
  await row.locator('[data-action="delete"]').click();
  const confirm = page.locator('.ant-popconfirm:visible');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /Удалить запись\?/);
  await screenshot(page, '07-delete-confirm');
  await confirm.getByRole('button', { name: 'Удалить' }).click();
  await row.waitFor({ state: 'detached' });
  await page.getByText('Запись удалена').first().waitFor();
  const gone = await apiCall(page, 'GET', `/object-groups?q=${encodeURIComponent(free)}`);
  assert.equal(gone.body.total, 0);

  await searchTable(used);
  const usedRow = page.getByRole('row', { name: new RegExp(used) });
  await usedRow.waitFor();
  await usedRow.locator('[data-action="delete"]').click();
  await page.locator('.ant-popconfirm:visible').getByRole('button', { name: 'Удалить' }).click();
  const msg = page.locator('.ant-message-error');
  await msg.waitFor();
  assert.ok((await msg.innerText()).trim().length > 0);
  // still there
  assert.equal(await usedRow.count(), 1);
});
