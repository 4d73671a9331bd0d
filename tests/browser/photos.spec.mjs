// A resident adds a then photo from their phone: with JavaScript on it is previewed before the
// upload and the story is sent with a progress bar; with it off the plain multipart form works.
// Either way the tracking page then shows the processed photo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { url, withPage, waitForIslands, sql, fillStory } from './support.mjs';

async function waitForPhoto(page) {
  for (let i = 0; i < 60; i++) {
    if ((await page.locator('figure.photo img').count()) > 0) return;
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
  }
  throw new Error('the photo was never processed');
}

test('with JavaScript on: the photo is previewed, uploaded with progress, then shown', async () => {
  await withPage({ javaScriptEnabled: true }, async (page) => {
    await page.goto(url('/submit'));
    await waitForIslands(page);
    await fillStory(page, '巷口十年（有照片，JS）');
    await page.waitForSelector('.photo-preview img');
    await Promise.all([
      page.waitForURL(/\/track\//, { timeout: 30000 }),
      page.click('.story-form button[type=submit]'),
    ]);
    await waitForPhoto(page);
    const img = page.locator('figure.photo img').first();
    assert.equal(await img.getAttribute('alt'), '巷口的修车铺和早点摊');
    const [w, h] = [Number(await img.getAttribute('width')), Number(await img.getAttribute('height'))];
    assert.ok(h > w, `upright portrait photo, got ${w}×${h}`);
    const src = await img.getAttribute('src');
    assert.match(src, /^\/media\/[A-Za-z0-9_-]{22}\/\d+\.jpg$/);
  });
});

test('with JavaScript off: the plain multipart form uploads the photo', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(url('/submit'));
    await fillStory(page, '巷口十年（有照片，无 JS）');
    await Promise.all([page.waitForURL(/\/track\//), page.click('.story-form button[type=submit]')]);
    await waitForPhoto(page);
    assert.equal(sql("select count(*) from photos p join stories s on s.id = p.story_id where s.title = '巷口十年（有照片，无 JS）'"), '1');
  });
});

test('with JavaScript off: a story with a then/now pair, then a third photo added from the tracking page', async () => {
  const title = '巷口十年（一对照片，再加一张）';
  const second = fileURLToPath(new URL('../fixtures/photos/camera_gray.jpg', import.meta.url));
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(url('/submit'));
    await fillStory(page, title);
    await page.setInputFiles('#photo_now-1-file', second);
    await page.fill('#photo_now-1-alt', '同一个巷口，如今的社区食堂');
    await Promise.all([page.waitForURL(/\/track\//), page.click('.story-form button[type=submit]')]);
    const track = page.url();

    // The tracking page's edit form offers the free photo slots; the pair is kept.
    if (!(await page.locator('#story').isVisible())) await page.click('details.edit-story > summary');
    await page.setInputFiles('#photo_then-1-file', second);
    await page.fill('#photo_then-1-alt', '二〇一二年巷口的另一张老照片');
    await Promise.all([page.waitForNavigation(), page.click('.story-form button[type=submit]')]);
    assert.equal(new URL(page.url()).pathname, new URL(track).pathname, 'back on the tracking page');
  });
  assert.equal(sql(`select count(*) filter (where slot = 'then') || ' ' || count(*) filter (where slot = 'now')
                    from photos p join stories s on s.id = p.story_id where s.title = '${title}'`), '2 1');
});
