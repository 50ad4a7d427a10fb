// «Настройки» → «Пользователи» (SPEC P-1, admins only): an admin adds an operator, who signs
// in; changes the role; blocks them (confirmed) — their session ends and sign-in is refused —
// and unblocks them. Operators do not see the section. Needs the admin of run-with-server.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_LOGIN, ADMIN_PASSWORD, expectAdminOnly, launch, modal, newPage, screenshot, signIn, unique } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const adminOnly = { skip: !ADMIN_LOGIN && 'no admin credentials (UPRAVDOM_ADMIN_LOGIN)' };

const rowOf = (page, text) => page.getByTestId('users-table').locator('tbody tr.ant-table-row', { hasText: text });
const myRow = (page) => page.getByTestId('users-table').locator('tbody tr.ant-table-row', { has: page.getByTestId('user-me') });

test('an admin adds a user, changes the role, blocks and unblocks them', adminOnly, async () => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN_LOGIN, ADMIN_PASSWORD);
  await admin.getByRole('menuitem', { name: 'Пользователи' }).click();
  await admin.waitForURL('**/settings/users');
  await myRow(admin).waitFor();

  // the form's own checks first
  const login = unique('oper').replace(/\s+/g, '-').toLowerCase();
  const name = unique('Петрова Анна');
  const password = 'пароль-оператора-1';
  await admin.getByTestId('user-add').click();
  const form = modal(admin, 'Новый пользователь');
  await form.getByRole('button', { name: 'Добавить пользователя' }).click();
  assert.ok((await form.getByText('Заполните поле').count()) >= 3, 'required fields not marked');
  await admin.locator('#user_full_name').fill(name);
  await admin.locator('#user_login').fill(login);
  await admin.locator('#user_password').fill('short');
  await form.getByText('Пароль не короче 8 символов').waitFor();
  await admin.locator('#user_password').fill(password);
  await screenshot(admin, '70-user-new');
  await form.getByRole('button', { name: 'Добавить пользователя' }).click();
  await admin.getByText('Пользователь добавлен').waitFor();
  const row = rowOf(admin, name);
  await row.waitFor();
  assert.match(await row.innerText(), /Оператор[\s\S]*Активен/);
  await screenshot(admin, '71-users');

  // the new user signs in as an operator
  const staff = await newPage(browser);
  await signIn(staff, login, password);
  assert.equal(await staff.getByRole('menuitem', { name: 'Пользователи' }).count(), 0, 'an operator sees «Пользователи»');

  // role: read-only
  await row.getByRole('button', { name: 'Изменить' }).click();
  const edit = modal(admin, `Пользователь «${name}»`);
  await edit.waitFor();
  await edit.locator('.ant-select-selector').click();
  await admin.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Только чтение' }).click();
  await edit.getByRole('button', { name: 'Сохранить' }).click();
  await edit.waitFor({ state: 'detached' });
  await rowOf(admin, name).getByText('Только чтение').waitFor();

  // block: asks first, then the user's session ends
  await rowOf(admin, name).getByRole('button', { name: 'Заблокировать' }).click();
  await admin.locator('.ant-popconfirm:visible').getByText(`Заблокировать «${name}»?`).waitFor();
  await screenshot(admin, '72-user-block-confirm');
  await admin.locator('.ant-popconfirm:visible').getByRole('button', { name: 'Заблокировать' }).click();
  await rowOf(admin, name).getByTestId('user-blocked').waitFor();
  await staff.getByRole('menuitem', { name: 'Клиенты' }).click();
  await staff.waitForURL('**/login**');
  await staff.locator('#login_login').fill(login);
  await staff.locator('#login_password').fill(password);
  await staff.locator('form[id="login"] button[type="submit"]').click();
  await staff.getByTestId('login-error').getByText('Вход заблокирован администратором организации', { exact: false }).waitFor();
  await screenshot(staff, '73-login-blocked');

  // the history: who did what, the password never shown
  await rowOf(admin, name).getByRole('button', { name: 'История изменений' }).click();
  const drawer = admin.locator('.ant-drawer-content');
  await drawer.getByText('Заблокирован').first().waitFor();
  const history = await drawer.innerText();
  assert.match(history, /Роль[\s\S]*Оператор[\s\S]*Только чтение/);
  assert.match(history, /Создание/);
  assert.ok(!history.includes(password), 'the history shows the password');
  await screenshot(admin, '74-user-history');
  await admin.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // unblock: they sign in again
  await rowOf(admin, name).getByRole('button', { name: 'Разблокировать' }).click();
  await admin.locator('.ant-popconfirm:visible').getByRole('button', { name: 'Разблокировать' }).click();
  await rowOf(admin, name).getByText('Активен').waitFor();
  await signIn(staff, login, password);
  await admin.context().close();
  await staff.context().close();
});

test('an admin cannot block themself', adminOnly, async () => {
  const page = await newPage(browser);
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.goto('/settings/users');
  const me = myRow(page);
  await me.waitFor();
  assert.equal(await me.getByRole('button', { name: 'Заблокировать' }).isDisabled(), true);
  await page.context().close();
});

test('operators do not see «Пользователи»', async () => {
  await expectAdminOnly(browser, {
    menu: 'Пользователи',
    url: '/settings/users',
    refusal: 'Раздел «Пользователи» доступен только администратору',
  });
});
