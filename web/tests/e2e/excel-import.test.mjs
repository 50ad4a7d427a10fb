// «Импорт из Excel» (SPEC I-10, docs/import-excel.md): reached by the «Импорт» button of the
// premises and clients lists (admins only), the instruction with the «Важно!» warning, the
// example, «Проверить» with errors by row and column and the error file, «Начать импорт» after a
// confirmation naming the owners sync, and a refused file (text in a number column).
// Needs the admin of run-with-server.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateRawSync } from 'node:zlib';
import { ADMIN_LOGIN, ADMIN_PASSWORD, apiCall, create, cyrWord, launch, newPage, randomInn, randomPhone, screenshot, signIn } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const adminOnly = { skip: !ADMIN_LOGIN && 'no admin credentials (UPRAVDOM_ADMIN_LOGIN)' };

const HEADERS = ['ID объекта', 'Внешний ID объекта', 'Объект', 'Тип помещения', 'Номер помещения',
  'Общая площадь, м²', 'Жилая площадь, м²', 'Комнат', 'Внешний ID помещения', 'Внешний ID клиента',
  'Тип клиента', 'Фамилия', 'Имя', 'Отчество', 'Название организации', 'Телефон', 'Эл. почта', 'Роль',
  'Доля', 'Внешний ID собственника', 'ИНН клиента', 'СНИЛС', 'Примечание о клиенте', 'ИНН юрлица ЛС',
  'Номер ЛС', 'ЕЛС', 'Внешний ID ЛС', 'ЛС скрыт от жителя'];

const letter = (i) => (i < 26 ? String.fromCharCode(65 + i) : letter(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A minimal .xlsx (a zip of deflated parts) whose first sheet holds `rows`. */
function makeXlsx(rows) {
  const sheet = rows
    .map((row, r) => `<row r="${r + 1}">${row
      .map((v, c) => {
        if (v === undefined || v === null || v === '') return '';
        const ref = `${letter(c)}${r + 1}`;
        return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
      })
      .join('')}</row>`)
    .join('');
  const parts = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Данные" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheet}</sheetData></worksheet>`,
  };
  const chunks = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(parts)) {
    const data = Buffer.from(text, 'utf8');
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBuf.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, nameBuf, packed);
    central.push(entry, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(parts).length, 8);
  end.writeUInt16LE(Object.keys(parts).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, dir, end]);
}

function row(cells) {
  return HEADERS.map((h) => cells[h] ?? '');
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function chooseFile(page, name, buffer) {
  await page.getByTestId('excel-drop').locator('input[type=file]').setInputFiles({ name, mimeType: XLSX, buffer });
  await page.getByTestId('excel-file').waitFor();
}

test('an admin opens the Excel import from the premises list, checks a file with errors and imports a good one', adminOnly, async () => {
  const page = await newPage(browser);
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  const tag = Date.now().toString(36);
  const object = await create(page, '/objects', { name: `ЖК «Эксель ${tag}»`, city: 'Москва', street: 'ул. Садовая', house: `${tag.slice(-3)}` });
  const le = await create(page, '/legal-entities', { name: `ООО «УК ${tag}»`, inn: randomInn() });

  await page.goto('/premises');
  const importButton = page.getByTestId('import-button');
  await importButton.waitFor();
  assert.equal((await importButton.innerText()).trim(), 'Импорт');
  assert.equal(await importButton.locator('.anticon-cloud-upload').count(), 1);
  await importButton.click();
  await page.waitForURL('**/import/excel?from=premises');
  await page.getByRole('heading', { name: 'Импорт из Excel' }).waitFor();
  const warning = page.getByTestId('excel-warning');
  assert.match(await warning.innerText(), /Важно![\s\S]*всех собственников помещения[\s\S]*будут удалены из CRM/);

  // «Показать инструкцию»: the column table from the server
  await page.getByTestId('excel-show-instruction').click();
  const columns = page.getByTestId('excel-columns');
  await columns.waitFor();
  const text = await columns.innerText();
  for (const h of ['Тип помещения', 'Внешний ID клиента', 'Роль', 'ИНН юрлица ЛС']) assert.ok(text.includes(h), h);
  await screenshot(page, '50-excel-instruction', { fullPage: true });
  await page.getByTestId('excel-show-instruction').click();

  // «Скачать пример»: the template downloads as a workbook
  const href = await page.getByTestId('excel-template').getAttribute('href');
  assert.equal(href, '/api/v1/exchange/excel/template.xlsx');
  const template = await page.request.get(href);
  assert.equal(template.status(), 200);
  assert.ok(template.headers()['content-type'].startsWith(XLSX));

  // «Проверить» the template as it is: its example objects are not this organisation's
  await chooseFile(page, 'Шаблон импорта.xlsx', await template.body());
  await screenshot(page, '51-excel-file-chosen');
  await page.getByTestId('excel-check').click();
  const result = page.getByTestId('excel-result');
  await result.waitFor();
  assert.match(await result.innerText(), /В файле есть ошибки/);
  const errors = page.getByTestId('excel-errors');
  assert.match(await errors.locator('tbody tr').first().innerText(), /2\s+B Внешний ID объекта\s+Объект с таким внешним идентификатором не найден/);
  const errorFile = page.getByTestId('excel-error-file');
  assert.match(await errorFile.getAttribute('href'), /^\/api\/v1\/exchange\/operations\/\d+\/excel-errors\.xlsx$/);
  const download = await page.request.get(await errorFile.getAttribute('href'));
  assert.equal(download.status(), 200);
  await screenshot(page, '52-excel-check-errors', { fullPage: true });

  // A good file: a flat with two owners and an account, a parking space
  const phone1 = randomPhone();
  const phone2 = randomPhone();
  const surname = cyrWord(7);
  const Surname = surname[0].toUpperCase() + surname.slice(1);
  const good = makeXlsx([
    HEADERS,
    row({ 'ID объекта': object.id, 'Тип помещения': 'Квартира', 'Номер помещения': '12', 'Общая площадь, м²': 48.5, 'Комнат': 2,
      'Внешний ID помещения': `E2E-${tag}-P12`, 'Внешний ID клиента': `E2E-${tag}-C1`, 'Фамилия': Surname, 'Имя': 'Иван',
      'Телефон': phone1.formatted, 'Роль': 'Собственник', 'Доля': '1/2', 'ИНН юрлица ЛС': le.inn, 'Номер ЛС': `${tag}-1` }),
    row({ 'Внешний ID клиента': `E2E-${tag}-C2`, 'Фамилия': Surname, 'Имя': 'Мария', 'Телефон': phone2.eight, 'Роль': 'Собственник', 'Доля': '1/2' }),
    row({ 'ID объекта': object.id, 'Тип помещения': 'Машиноместо', 'Номер помещения': '7', 'Общая площадь, м²': 13.5,
      'Внешний ID клиента': `E2E-${tag}-C1`, 'Роль': 'Собственник' }),
  ]);
  await page.getByRole('button', { name: 'Убрать файл' }).click();
  await chooseFile(page, 'Помещения.xlsx', good);
  await page.getByTestId('excel-check').click();
  await page.getByTestId('excel-result').waitFor();
  assert.match(await page.getByTestId('excel-result').innerText(), /Проверка пройдена/);
  const premisesBefore = await apiCall(page, 'GET', `/premises?object_id=${object.id}`);
  assert.equal(premisesBefore.body.total, 0, 'the check wrote nothing');

  // «Начать импорт»: the confirmation names the owners sync
  await page.getByTestId('excel-start').click();
  const confirm = page.locator('.ant-popover:visible');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /Начать импорт\?[\s\S]*собственники, которых нет в файле, будут удалены из CRM/);
  await screenshot(page, '53-excel-confirm');
  await confirm.getByRole('button', { name: 'Начать импорт' }).click();
  await page.getByTestId('excel-success').waitFor();
  assert.match(await page.getByTestId('excel-success').innerText(), /Данные успешно загружены/);
  assert.match(await page.getByTestId('operation-counts').innerText(), /Создано\s*2/);
  await screenshot(page, '54-excel-imported', { fullPage: true });
  const premises = await apiCall(page, 'GET', `/premises?object_id=${object.id}`);
  assert.equal(premises.body.total, 2);

  // Text in a number column: the file is refused with the cell named
  const bad = makeXlsx([HEADERS, row({ 'ID объекта': object.id, 'Тип помещения': 'Квартира', 'Номер помещения': '13', 'Общая площадь, м²': 'сорок' })]);
  await page.getByRole('button', { name: 'Убрать файл' }).click();
  await chooseFile(page, 'Ошибка.xlsx', bad);
  await page.getByTestId('excel-check').click();
  const refused = page.getByTestId('excel-refused');
  await refused.waitFor();
  assert.match(await refused.innerText(), /Файл не загружен[\s\S]*строка 2, столбец F/);
  assert.match(await refused.getByTestId('excel-errors').innerText(), /2\s+F Общая площадь, м²\s+В столбце «Общая площадь, м²» должно быть число, а не «сорок»/);
  await refused.getByTestId('excel-error-file').waitFor();
  await screenshot(page, '55-excel-refused', { fullPage: true });

  // The clients list has the button too; the back link returns there
  await page.goto('/clients');
  await page.getByTestId('import-button').click();
  await page.waitForURL('**/import/excel?from=clients');
  await page.getByTestId('excel-back').click();
  await page.waitForURL('**/clients');
  await page.close();
});

test('an operator sees no import button', async () => {
  const page = await newPage(browser);
  await signIn(page);
  await page.goto('/premises');
  await page.getByTestId('add-button').waitFor();
  assert.equal(await page.getByTestId('import-button').count(), 0);
  await page.goto('/clients');
  await page.getByTestId('add-button').waitFor();
  assert.equal(await page.getByTestId('import-button').count(), 0);
  await page.close();
});
