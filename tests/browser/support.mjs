// Shared helpers for the browser tests: one headless Chromium per test file, a fresh context
// per test, the server's own command line for set-up, psql for checks.
import { after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

export function url(path) {
  return new URL(path, BASE_URL).toString();
}

let browser;
let extraArgs = [];

/** Further Chromium flags for this test file's browser; call before the first `withPage`. */
export function browserArgs(...args) {
  if (browser) throw new Error('browserArgs after the browser was launched');
  extraArgs = args;
}

async function launch() {
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs,
    ],
  });
  return browser;
}

after(async () => {
  await browser?.close();
});

/**
 * Runs `fn(page)` in a fresh browser context (no cookies), phone-sized by default. `hasTouch`
 * makes it a touch screen (CSS `pointer: coarse`), as a phone's.
 */
export async function withPage({ javaScriptEnabled = true, locale = 'zh-CN', viewport = { width: 390, height: 844 }, hasTouch = false } = {}, fn) {
  const context = await (await launch()).newContext({ javaScriptEnabled, locale, viewport, hasTouch });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  try {
    await fn(page);
    if (errors.length) throw new Error(`page errors: ${errors.map(String).join('; ')}`);
  } finally {
    await context.close();
  }
}

/** Waits until the form island has hydrated (it marks itself `data-enhanced`). */
export async function waitForIslands(page) {
  await page.waitForSelector('[data-enhanced="true"]', { timeout: 15000 });
}

/** The path of a photo in tests/fixtures/photos. */
export function fixturePhoto(name) {
  return fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url));
}

const storyText = '二〇一二年的巷口还是一排修车铺和早点摊，十年后铺面换成了社区食堂和快递驿站，老街坊还在同一张石凳上下棋。';

/** Fills every required field of the story form, and the first "then" photo with its description. */
export async function fillStory(page, title) {
  await page.fill('#title', title);
  await page.fill('#story', storyText);
  await page.fill('#place', '东关街');
  await page.fill('#year_then', '2012');
  await page.fill('#year_now', '2022');
  await page.check('#theme-community');
  await page.check('#consent_publish');
  await page.setInputFiles('#photo_then-1-file', fixturePhoto('coffee_4032x3024_rot6_gps.jpg'));
  await page.fill('#photo_then-1-alt', '巷口的修车铺和早点摊');
}

/** Runs the server binary's own command line (`seed-demo`, `create-admin`, …) on the test database. */
export function serverCommand(args, env = {}) {
  return execFileSync(process.env.SERVER_BIN, args, { env: { ...process.env, ...env } }).toString();
}

/** One value (first column of the first row) from the test database. */
export function sql(query) {
  return execFileSync('psql', [process.env.DATABASE_URL, '-tAqc', query]).toString().trim();
}

/** axe-core violations of impact serious or critical on the current page. */
export async function seriousAccessibilityViolations(page) {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol: the page's CSP (no inline scripts) rightly
  // refuses a script tag.
  await page.evaluate(source);
  const results = await page.evaluate(async () => await window.axe.run(document));
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
