// Shared set-up of the browser tests: Debian's Chromium through playwright-core, the
// server's address and credentials from the environment, sign-in and API helpers.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_URL = (process.env.UPRAVDOM_URL ?? '').replace(/\/+$/, '');
export const LOGIN = process.env.UPRAVDOM_LOGIN ?? '';
export const PASSWORD = process.env.UPRAVDOM_PASSWORD ?? '';
/** Optional: an admin of the same organisation; tests of admin-only actions skip without it. */
export const ADMIN_LOGIN = process.env.UPRAVDOM_ADMIN_LOGIN ?? '';
export const ADMIN_PASSWORD = process.env.UPRAVDOM_ADMIN_PASSWORD ?? '';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!BASE_URL || !LOGIN || !PASSWORD) {
  throw new Error('Set UPRAVDOM_URL, UPRAVDOM_LOGIN and UPRAVDOM_PASSWORD (a running server and a staff user)');
}

/** Where `screenshot` saves (UPRAVDOM_SCREENSHOT_DIR overrides tests/e2e/screenshots). */
export const SCREENSHOT_DIR = process.env.UPRAVDOM_SCREENSHOT_DIR || path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context (own cookies and localStorage) with a desktop-sized page. */
export async function newPage(browser, { lang } = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1440, height: 900 },
    locale: 'ru-RU',
  });
  if (lang) {
    await context.addInitScript((l) => {
      if (!sessionStorage.getItem('e2e-lang-set')) {
        localStorage.setItem('upravdom.lang', l);
        sessionStorage.setItem('e2e-lang-set', '1');
      }
    }, lang);
  }
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return page;
}

/** Signs in through the form and waits for the app frame. */
export async function signIn(page, login = LOGIN, password = PASSWORD) {
  await page.goto('/login');
  await page.locator('#login_login').fill(login);
  await page.locator('#login_password').fill(password);
  await page.locator('form[id="login"] button[type="submit"]').click();
  await page.getByTestId('org-name').waitFor();
}

/** Calls the API from inside the signed-in page (cookie + CSRF header), returns {status, body}. */
export async function apiCall(page, method, urlPath, body) {
  return page.evaluate(
    async ({ method, urlPath, body }) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('upravdom_csrf='))?.split('=')[1];
      const res = await fetch(`/api/v1${urlPath}`, {
        method,
        headers: {
          'Content-Type': 'application/json',
          ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf) } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    { method, urlPath, body },
  );
}

/** A name no earlier run has used (the database may be reused between runs). */
export function unique(prefix) {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Saves what the window shows (`fullPage` for long lists). */
export async function screenshot(page, name, { fullPage = false } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForLoadState('networkidle').catch(() => {});
  // let antd finish its enter animations
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** Picks an option of an antd Select by typing its label (the select is found by its input id). */
export async function pickOption(page, inputId, label) {
  const input = page.locator(`#${inputId}`);
  // the chosen value's label covers the input; the selector box takes the click
  await page.locator(`.ant-select:has(#${inputId}) .ant-select-selector`).click();
  await input.fill(label);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label }).first();
  await option.click();
}

/** The open antd modal (the one with this title). */
export function modal(page, title) {
  return page.locator('.ant-modal-content').filter({ has: page.locator('.ant-modal-title', { hasText: title }) });
}

/** A random 10-digit ИНН of a legal entity with a valid check digit (ИНН is unique per organisation). */
export function randomInn() {
  const w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const d = Array.from({ length: 9 }, (_, i) => (i === 0 ? 1 + Math.floor(Math.random() * 9) : Math.floor(Math.random() * 10)));
  const check = (w.reduce((sum, k, i) => sum + k * d[i], 0) % 11) % 10;
  return d.join('') + String(check);
}

/** A random Cyrillic word (names are letters only; a root no other run uses). */
export function cyrWord(n = 6) {
  const cyr = 'абвгдежзиклмнопрстуфхцэюя';
  return Array.from({ length: n }, () => cyr[Math.floor(Math.random() * cyr.length)]).join('');
}

/** A random mobile number: {digits: '916…' (10), e164, formatted '+7 916 123-45-67', eight: '8 (916) 123-45-67'}. */
export function randomPhone() {
  const tail = String(Math.floor(1e6 + Math.random() * 8.99e6));
  const digits = `916${tail}`;
  return {
    digits,
    e164: `+7${digits}`,
    formatted: `+7 916 ${tail.slice(0, 3)}-${tail.slice(3, 5)}-${tail.slice(5)}`,
    eight: `8 (916) ${tail.slice(0, 3)}-${tail.slice(3, 5)}-${tail.slice(5)}`,
  };
}

/** Creates through the API and returns the body; fails the test on another status than 201. */
export async function create(page, urlPath, body) {
  const r = await apiCall(page, 'POST', urlPath, body);
  if (r.status !== 201) throw new Error(`POST ${urlPath} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Text with every run of white space (the NBSP of Russian number formatting too) as one space. */
export const norm = (s) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

/** An admins-only section seen by the operator of run-with-server.sh: not in the menu, and its
 *  address shows the 403 page with `refusal`. */
export async function expectAdminOnly(browser, { menu, url, refusal }) {
  const page = await newPage(browser);
  await signIn(page);
  await page.getByRole('menuitem', { name: 'Помещения' }).waitFor();
  assert.equal(await page.getByRole('menuitem', { name: menu }).count(), 0, `an operator sees «${menu}»`);
  await page.goto(url);
  await page.getByText(refusal).waitFor();
  await page.context().close();
}
