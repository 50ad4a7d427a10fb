// Sign-in: a wrong password shows the server's message; the right one opens the app; logout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LOGIN, PASSWORD, launch, newPage, screenshot, signIn } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an unauthenticated visit goes to the sign-in page', async () => {
  const page = await newPage(browser);
  await page.goto('/objects');
  await page.waitForURL('**/login');
  await page.locator('#login_login').waitFor();
  await screenshot(page, '01-login');
  await page.context().close();
});

test('a wrong password shows «Неверный логин или пароль»', async () => {
  const page = await newPage(browser);
  await page.goto('/login');
  await page.locator('#login_login').fill(LOGIN);
  await page.locator('#login_password').fill(`${PASSWORD}-wrong`);
  await page.getByRole('button', { name: 'Войти' }).click();
  const alert = page.getByTestId('login-error');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Неверный логин или пароль/);
  assert.ok(page.url().endsWith('/login'));
  await screenshot(page, '02-login-error');
  await page.context().close();
});

test('429 on sign-in shows the server message (answer stubbed: real throttling would lock out the other tests)', async () => {
  const page = await newPage(browser);
  const text = 'Слишком много неудачных попыток входа. Повторите через 1 мин.';
  await page.route('**/api/v1/auth/login', (route) =>
    route.fulfill({
      status: 429,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '60' },
      body: JSON.stringify({ code: 'too_many_requests', message: text }),
    }),
  );
  await page.goto('/login');
  await page.locator('#login_login').fill('someone');
  await page.locator('#login_password').fill('whatever');
  await page.getByRole('button', { name: 'Войти' }).click();
  const alert = page.getByTestId('login-error');
  await alert.waitFor();
  assert.equal((await alert.innerText()).trim(), text);
  await page.context().close();
});

test('signing in shows the organisation, the user and the role; logout returns to /login', async () => {
  const page = await newPage(browser);
  await signIn(page);
  assert.ok((await page.getByTestId('org-name').innerText()).trim().length > 0);
  assert.ok((await page.getByTestId('user-role').innerText()).trim().length > 0);
  // the session survives a reload (the cookie, GET /me)
  await page.reload();
  await page.getByTestId('org-name').waitFor();

  await page.getByRole('menuitem', { name: 'Выход' }).click();
  await page.waitForURL('**/login');
  // the session is gone: the app sends us back to /login
  await page.goto('/legal-entities');
  await page.waitForURL('**/login');
  await page.context().close();
});

test('a 401 from any API call (session gone) goes to /login, and back after signing in', async () => {
  const page = await newPage(browser);
  await signIn(page);
  // let the first page's own requests finish, or their 401s would win the race
  await page.waitForLoadState('networkidle');
  await page.context().clearCookies();
  await page.getByRole('menuitem', { name: 'Юр. лица' }).click();
  await page.waitForURL('**/login');
  await page.locator('#login_login').fill(LOGIN);
  await page.locator('#login_password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL('**/legal-entities');
  await page.getByRole('heading', { name: 'Юридические лица' }).waitFor();
  await page.context().close();
});

test('an unknown object id shows «not found» on the card', async () => {
  const page = await newPage(browser);
  await signIn(page);
  await page.goto('/objects/987654321');
  await page.getByText('Запись не найдена').first().waitFor();
  await page.context().close();
});
