// Screenshots at 390 px of what a resident sees, for docs/screens/ (referenced from the README).
// Not a test: run against a server with the demo content (`./dev.sh run`), e.g.
//   node tests/browser/screens.mjs http://127.0.0.1:3000
// It submits one story (to show a tracking page), so use a demo database, not a real site.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const out = (name) => fileURLToPath(new URL(`../../docs/screens/${name}`, import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
const page = await context.newPage();

await page.goto(`${base}/`);
await page.screenshot({ path: out('timeline.png'), fullPage: false });
const story = await page.locator('.story-card h2 a').first().getAttribute('href');
await page.goto(`${base}${story}`);
await page.waitForTimeout(500);
await page.screenshot({ path: out('story.png'), fullPage: false });

await page.goto(`${base}/submit`);
await page.screenshot({ path: out('submit-top.png'), fullPage: false });
await page.locator('fieldset.photos').scrollIntoViewIfNeeded();
await page.screenshot({ path: out('submit-photos.png'), fullPage: false });

await page.fill('#title', '巷口的早点摊搬进了社区食堂');
await page.fill('#story', '二〇一四年巷口有三家早点摊，下雨天大家挤在塑料棚下吃豆浆油条。二〇二四年街道把旧仓库改成了社区食堂，早点摊的老板成了食堂的师傅，老街坊还是每天六点来排队。');
await page.fill('#place', '东关街');
await page.fill('#year_then', '2014');
await page.fill('#year_now', '2024');
await page.check('#theme-community');
await page.check('#consent_publish');
await Promise.all([page.waitForURL(/\/track\//), page.click('.story-form button[type=submit]')]);
await page.screenshot({ path: out('tracking.png'), fullPage: false });
await browser.close();
