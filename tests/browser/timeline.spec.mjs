// Visitors browse the public timeline on a phone: it loads, a filter narrows it, a story's
// then/now slider moves with the keyboard, everything works with JavaScript off, and axe-core
// finds no serious or critical accessibility problem on /, a story page and /submit.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { url, withPage, sql, seriousAccessibilityViolations } from './support.mjs';

const fixture = (name) => new Blob([readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url)))], { type: 'image/jpeg' });
const stamp = Date.now();
const pairTitle = `老码头的两张照片 ${stamp}`;
const schoolTitle = `学校操场的十年 ${stamp}`;
let pairId;

async function submit(fields, photos = []) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [k, blob, name] of photos) form.append(k, blob, name);
  const response = await fetch(url('/submit'), { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(response.status, 303);
}

const base = {
  story: '二〇一二年码头边还停着运沙船，工人们在石阶上歇脚。二〇二二年这里修成了滨江步道，傍晚有人跑步、有人钓鱼，石阶被保留下来当作看台。',
  place: '滨江码头',
  year_then: '2012',
  year_now: '2022',
  consent_publish: 'on',
  licence: 'cc-by-4.0',
};

before(async () => {
  await submit({ ...base, title: pairTitle, themes: 'environment',
    photo_then_alt: '二〇一二年的码头，运沙船停在岸边', photo_now_alt: '二〇二二年的滨江步道' },
    [['photo_then', fixture('camera_gray.jpg'), 'then.jpg'], ['photo_now', fixture('motorcycle_cmyk.jpg'), 'now.jpg']]);
  await submit({ ...base, title: schoolTitle, themes: 'education', place: '城南小学', year_then: '2014', year_now: '2024',
    story: '二〇一四年学校的操场还是煤渣跑道，下雨天满地泥水。二〇二四年铺上了塑胶跑道，还建了风雨操场，孩子们下雨天也能上体育课。' });
  // Approval is the moderation feature's job (tested there); here it is done directly.
  for (let i = 0; i < 60 && sql(`select count(*) from photos p join stories s on s.id = p.story_id where s.title = '${pairTitle}' and p.state = 'ready'`) !== '2'; i++) {
    await new Promise((r) => setTimeout(r, 500));
  }
  sql(`update stories set status = 'approved', published_at = now() where title in ('${pairTitle}', '${schoolTitle}')`);
  pairId = sql(`select id from stories where title = '${pairTitle}'`);
});

test('the timeline loads and a filter narrows it, with JavaScript on and off', async () => {
  for (const javaScriptEnabled of [true, false]) {
    await withPage({ javaScriptEnabled }, async (page) => {
      const response = await page.goto(url('/'));
      assert.equal(response.status(), 200);
      assert.equal(await page.getByText(pairTitle).count(), 1);
      assert.equal(await page.getByText(schoolTitle).count(), 1);
      await page.selectOption('#theme', 'education');
      await Promise.all([page.waitForURL(/theme=education/), page.click('.timeline-filters button[type=submit]')]);
      assert.equal(await page.getByText(schoolTitle).count(), 1);
      assert.equal(await page.getByText(pairTitle).count(), 0);
      await page.fill('#q', '码头');
      await page.selectOption('#theme', '');
      await Promise.all([page.waitForURL(/q=/), page.click('.timeline-filters button[type=submit]')]);
      assert.equal(await page.getByText(pairTitle).count(), 1, 'found by a two-character search');
      assert.equal(await page.getByText(schoolTitle).count(), 0);
    });
  }
});

test('the then/now slider moves with the keyboard; without JavaScript the photos stand side by side', async () => {
  await withPage({ javaScriptEnabled: true }, async (page) => {
    await page.goto(url(`/stories/${pairId}`));
    await page.waitForSelector('.compare[data-enhanced="true"]', { timeout: 15000 });
    const slider = page.locator('.compare input[type=range]');
    assert.match(await slider.getAttribute('aria-label'), /二〇一二年的码头/);
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await slider.inputValue(), '53');
    assert.match(await page.locator('.compare').getAttribute('style'), /--split:53%/);
    assert.match(await slider.getAttribute('aria-valuetext'), /53%/);
    await page.keyboard.press('Home');
    assert.equal(await slider.inputValue(), '0');
  });
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(url(`/stories/${pairId}`));
    assert.equal(await page.locator('.compare-control').isHidden(), true);
    const boxes = await page.locator('.compare-pair img').evaluateAll((imgs) => imgs.map((i) => i.getBoundingClientRect().left));
    assert.equal(boxes.length, 2);
    assert.ok(boxes[1] > boxes[0], 'side by side');
  });
});

test('axe-core finds no serious or critical problems on /, a story page and /submit', async () => {
  for (const path of ['/', `/stories/${pairId}`, '/submit']) {
    await withPage({ javaScriptEnabled: true }, async (page) => {
      await page.goto(url(path));
      const violations = await seriousAccessibilityViolations(page);
      assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), [], path);
    });
  }
});

test('static assets are served compressed and cacheable', async () => {
  const response = await fetch(url('/pkg/shinian.wasm'), { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-encoding'), 'gzip');
  assert.match(response.headers.get('cache-control'), /max-age=3600/);
});

test('more stories load as you scroll; without JavaScript the more link opens the next page', async () => {
  const place = `滚动街${stamp}`;
  sql(`insert into stories (status, title, body, place, year_then, year_now, licence, published_at)
       select 'approved', '滚动加载的故事 ' || g, repeat('街口的早点摊换成了社区食堂。', 5), '${place}', 2001, 2002 + g % 20, 'cc-by-4.0', now()
       from generate_series(1, 30) g`);
  const href = url(`/?place=${encodeURIComponent(place)}`);
  await withPage({ javaScriptEnabled: true }, async (page) => {
    await page.goto(href);
    assert.equal(await page.locator('.story-card').count(), 20);
    await page.waitForSelector('.more-loader[data-hydrated], .more-loader', { timeout: 15000 });
    for (let i = 0; i < 40 && (await page.locator('.story-card').count()) < 30; i++) {
      await page.mouse.wheel(0, 4000);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(await page.locator('.story-card').count(), 30);
    assert.equal(await page.locator('a[rel=next]').count(), 0, 'no more link after the last page');
  });
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(href);
    await Promise.all([page.waitForURL(/cursor=/), page.click('a[rel=next]')]);
    assert.equal(await page.locator('.story-card').count(), 10);
  });
});
