// A resident on a phone submits a story, with JavaScript on and with it off, and reads the
// tracking page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, withPage, waitForIslands, sql } from './support.mjs';

const story = '二〇一一年我在江边看着盾构机进洞，二〇二一年我坐着地铁从同一个地方穿过江底。十年里，渡口变成了公园，老码头的石阶还在。';

async function fillValidStory(page, title) {
  await page.fill('#title', title);
  await page.fill('#story', story);
  await page.fill('#place', '临江街道');
  await page.fill('#year_then', '2011');
  await page.fill('#year_now', '2021');
  await page.check('#theme-transport');
  // The narrator's name is among the optional fields, folded until asked for.
  await page.click('.optional-details > summary');
  await page.fill('#narrator_name', '老杨');
  await page.check('#consent_publish');
  await page.check('#consent_show_name');
}

test('with JavaScript on: inline validation, sent without a reload, then the tracking page', async () => {
  await withPage({ javaScriptEnabled: true }, async (page) => {
    await page.goto(url('/submit'));
    await waitForIslands(page);
    const storiesBefore = sql('select count(*) from stories');

    // Leaving a field shows the same message the server would give.
    await page.fill('#title', '短');
    await page.locator('#story').focus();
    await page.waitForSelector('#err-title:not(:empty)');
    assert.match(await page.textContent('#err-title'), /至少 4 个字/);
    assert.equal(await page.getAttribute('#title', 'aria-invalid'), 'true');

    // Submitting an incomplete form shows the summary without leaving the page.
    await page.evaluate(() => { window.__stillHere = true; });
    await page.click('.story-form button[type=submit]');
    await page.waitForSelector('#error-summary:not([hidden])');
    assert.equal(await page.evaluate(() => window.__stillHere), true, 'no page load');
    assert.match(await page.textContent('#error-summary'), /处需要修改/);
    assert.equal(sql('select count(*) from stories'), storiesBefore, 'nothing stored');

    // Fixing the fields clears their messages and the story is sent.
    await fillValidStory(page, '盾构机与过江地铁（JS）');
    await page.locator('#place').focus();
    assert.equal((await page.textContent('#err-title')).trim(), '');
    await Promise.all([
      page.waitForURL(/\/track\/[A-Za-z0-9_-]{43}$/),
      page.click('.story-form button[type=submit]'),
    ]);
    assert.match(await page.textContent('h1'), /我的故事/);
    assert.match(await page.textContent('.status'), /待审核/);
    assert.match(await page.textContent('.submitted'), /盾构机与过江地铁（JS）/);
    assert.match(await page.textContent('.track-url'), /\/track\//);
  });
});

test('with JavaScript off: plain POST, errors beside their fields with values kept, then the tracking page', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(url('/submit'));
    await fillValidStory(page, '短');
    await Promise.all([page.waitForLoadState('load'), page.click('.story-form button[type=submit]')]);
    assert.match(await page.textContent('#err-title'), /至少 4 个字/);
    assert.equal(await page.inputValue('#place'), '临江街道', 'values kept');
    assert.equal(await page.inputValue('#story'), story);
    assert.equal(await page.isChecked('#theme-transport'), true);

    await page.fill('#title', '盾构机与过江地铁（无 JS）');
    await Promise.all([
      page.waitForURL(/\/track\/[A-Za-z0-9_-]{43}$/),
      page.click('.story-form button[type=submit]'),
    ]);
    assert.match(await page.textContent('.status'), /待审核/);
    assert.match(await page.textContent('.submitted'), /盾构机与过江地铁（无 JS）/);
    assert.match(await page.textContent('.submitted'), /老杨/);
  });
});

test('the tracking page lets the contributor withdraw, after confirming', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(url('/submit'));
    await fillValidStory(page, '准备撤回的故事');
    await Promise.all([page.waitForURL(/\/track\//), page.click('.story-form button[type=submit]')]);
    const trackUrl = page.url();
    await Promise.all([page.waitForLoadState('load'), page.click('.withdraw button')]);
    assert.match(await page.textContent('h1'), /确定要撤回吗/);
    await Promise.all([page.waitForURL(trackUrl), page.click('.withdraw-confirm button')]);
    assert.match(await page.textContent('.status'), /已撤回/);
    assert.doesNotMatch(await page.content(), /准备撤回的故事/);
  });
});

test('English is one tap away and remembered', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(url('/submit'));
    await Promise.all([page.waitForLoadState('load'), page.click('.lang-switch button[value=en]')]);
    assert.equal(new URL(page.url()).pathname, '/submit');
    assert.match(await page.textContent('h1'), /Tell your ten years/);
    await page.goto(url('/'));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
  });
});
