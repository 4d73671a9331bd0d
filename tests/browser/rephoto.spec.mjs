// "Retake from the same spot": on a phone, once a "then" photo is chosen, the "now" photo can be
// taken in the page with the old photo laid over the camera's live view. Chromium's fake camera
// stands in for the phone's (this file's browser only); the captured frame must arrive as the
// story's "now" photo at the camera's own resolution. Without JavaScript, on a desktop and with
// the camera refused, the plain file input is what remains. SCREENSHOTS=<folder> keeps pictures of
// the camera view and of the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, withPage, waitForIslands, sql, fillStory, fixturePhoto, browserArgs, seriousAccessibilityViolations } from './support.mjs';

browserArgs('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream');

const phone = { javaScriptEnabled: true, hasTouch: true, viewport: { width: 390, height: 844 } };

/** Polls the test database until `query` answers `expected` (photo processing is asynchronous). */
async function waitForSql(query, expected, what) {
  for (let i = 0; i < 120; i++) {
    if (sql(query) === expected) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: still ${sql(query)}`);
}

/** Keeps a reference to the live view's stream, to see afterwards whether its tracks were stopped. */
async function keepStream(page) {
  await page.evaluate(() => { window.liveStream = document.getElementById('rephoto-video').srcObject; });
}

async function cameraOn(page) {
  return page.evaluate(() => window.liveStream.getTracks().some((t) => t.readyState === 'live'));
}

test('a phone retakes the "now" photo from the same spot; the story keeps the frame at the camera\'s resolution', { timeout: 120000 }, async (t) => {
  const title = `巷口十年（同一位置重拍 ${Date.now()}）`;
  let camera;
  await withPage(phone, async (page) => {
    await page.goto(url('/submit'));
    await waitForIslands(page);
    assert.equal(await page.locator('#rephoto-open').isVisible(), false, 'no retake before a "then" photo is chosen');

    await fillStory(page, title);
    await page.locator('#rephoto-open').waitFor({ state: 'visible' });
    const box = await page.locator('#rephoto-open').boundingBox();
    assert.ok(box.height >= 44, `retake button ${box.height} px high`);

    await page.click('#rephoto-open');
    await page.locator('#rephoto-dialog').waitFor({ state: 'visible' });
    // The live view plays (autoplay starts a moment after the first frame's size is known).
    await page.waitForFunction(() => {
      const video = document.getElementById('rephoto-video');
      return video.videoWidth > 0 && !video.paused && video.currentTime > 0;
    }, null, { timeout: 15000 });
    camera = await page.evaluate(() => {
      const video = document.getElementById('rephoto-video');
      return { width: video.videoWidth, height: video.videoHeight };
    });
    t.diagnostic(`fake camera ${camera.width}×${camera.height}`);
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/rephoto-dialog.png` });
    await keepStream(page);

    // The old photo lies over the live view, over the whole screen, and fades with the slider.
    const overlay = page.locator('#rephoto-then');
    assert.equal(await overlay.isVisible(), true);
    assert.match(await overlay.getAttribute('src'), /^blob:/);
    assert.equal(await page.locator('#rephoto-fade').isVisible(), true);
    assert.equal(await page.locator('label[for="rephoto-fade"]').isVisible(), true);
    const dialogBox = await page.locator('#rephoto-dialog').boundingBox();
    assert.deepEqual([dialogBox.x, dialogBox.y, dialogBox.width, dialogBox.height], [0, 0, 390, 844]);
    for (const id of ['#rephoto-take', '#rephoto-cancel', '#rephoto-fade']) {
      assert.ok((await page.locator(id).boundingBox()).height >= 44, `${id} is a big enough tap target`);
    }
    const opacity = () => overlay.evaluate((img) => getComputedStyle(img).opacity);
    assert.equal(await opacity(), '0.5');
    await page.fill('#rephoto-fade', '80');
    assert.equal(await opacity(), '0.2');

    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/rephoto-faded.png` });
    await page.click('#rephoto-take');
    await page.locator('#rephoto-dialog').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('photo_now-1-file').files.length === 1);
    await page.waitForFunction(() => document.getElementById('rephoto-video').srcObject === null);
    assert.equal(await cameraOn(page), false, 'the camera is turned off after the capture');
    const taken = await page.evaluate(async () => {
      const file = document.getElementById('photo_now-1-file').files[0];
      const bitmap = await createImageBitmap(file);
      const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
      return {
        name: file.name, type: file.type, width: bitmap.width, height: bitmap.height, head: [...head],
      };
    });
    assert.equal(taken.type, 'image/jpeg');
    assert.equal(taken.name, 'retake.jpg');
    assert.deepEqual(taken.head, [0xff, 0xd8, 0xff], 'JPEG bytes');
    assert.deepEqual([taken.width, taken.height], [camera.width, camera.height]);
    assert.match(await page.textContent('#rephoto-status'), /已用相机拍摄/);
    await page.waitForSelector('#photo_now-1-file + .photo-preview img');
    if (process.env.SCREENSHOTS) await page.locator('#field-photo_now').screenshot({ path: `${process.env.SCREENSHOTS}/rephoto-taken.png` });

    // Its description is still required.
    await page.click('.story-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('err-photo_now').textContent.trim() !== '', null, { timeout: 30000 });
    assert.match(page.url(), /\/submit/);

    await page.fill('#photo_now-1-alt', '同一个巷口，如今的社区食堂');
    await Promise.all([
      page.waitForURL(/\/track\//, { timeout: 30000 }),
      page.click('.story-form button[type=submit]'),
    ]);
  });
  const nowPhoto = `from photos p join stories s on s.id = p.story_id where s.title = '${title}' and p.slot = 'now'`;
  await waitForSql(`select state ${nowPhoto}`, 'ready', 'the "now" photo was never processed');
  const stored = sql(`select source_format || ' ' || source_width || 'x' || source_height || ' ' || alt ${nowPhoto}`);
  assert.match(stored, /^jpe?g /i);
  assert.equal(stored.split(' ')[1], `${camera.width}x${camera.height}`, 'the stored original is the camera frame');
  assert.equal(stored.split(' ').slice(2).join(' '), '同一个巷口，如今的社区食堂');
});

test('without JavaScript the "now" photo is a plain file input, with no retake', async () => {
  await withPage({ ...phone, javaScriptEnabled: false }, async (page) => {
    await page.goto(url('/submit'));
    await page.setInputFiles('#photo_then-1-file', fixturePhoto('camera_gray.jpg'));
    const now = page.locator('#photo_now-1-file');
    assert.equal(await now.getAttribute('type'), 'file');
    assert.equal(await now.getAttribute('accept'), 'image/jpeg,image/png,image/webp,image/gif');
    assert.equal(await now.isVisible(), true);
    assert.equal(await page.locator('#rephoto-open').isVisible(), false);
    assert.equal(await page.locator('#rephoto-dialog').isVisible(), false);
  });
});

test('on a desktop (no touch screen) the retake is not offered', async () => {
  await withPage({ ...phone, hasTouch: false, viewport: { width: 1280, height: 800 } }, async (page) => {
    await page.goto(url('/submit'));
    await waitForIslands(page);
    await page.setInputFiles('#photo_then-1-file', fixturePhoto('camera_gray.jpg'));
    await page.waitForSelector('#photo_then-1-file + .photo-preview img');
    assert.equal(await page.locator('#rephoto-open').isVisible(), false);
  });
});

test('with the camera refused the resident is told, and the file input still works', async () => {
  await withPage(phone, async (page) => {
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await page.goto(url('/submit'));
    await waitForIslands(page);
    await page.setInputFiles('#photo_then-1-file', fixturePhoto('camera_gray.jpg'));
    await page.click('#rephoto-open');
    await page.waitForFunction(() => document.getElementById('rephoto-status').textContent.includes('没有获准使用相机'));
    assert.equal(await page.locator('#rephoto-dialog').isVisible(), false);
    assert.equal(await page.locator('#rephoto-open').isEnabled(), true, 'the button can be tried again');

    await page.setInputFiles('#photo_now-1-file', fixturePhoto('motorcycle_cmyk.jpg'));
    await page.waitForSelector('#photo_now-1-file + .photo-preview img');
    assert.equal(await page.textContent('#rephoto-status'), '', 'the chosen file replaces the message');
    assert.equal(await page.evaluate(() => document.getElementById('photo_now-1-file').files[0].name), 'motorcycle_cmyk.jpg');
  });
});

test('cancel and Escape close the camera; the camera view fits a 320 px phone', async () => {
  await withPage({ ...phone, viewport: { width: 320, height: 568 } }, async (page) => {
    await page.goto(url('/submit'));
    await waitForIslands(page);
    await page.setInputFiles('#photo_then-1-file', fixturePhoto('camera_gray.jpg'));
    for (const close of [() => page.click('#rephoto-cancel'), () => page.keyboard.press('Escape')]) {
      await page.click('#rephoto-open');
      await page.waitForFunction(() => document.getElementById('rephoto-video').videoWidth > 0);
      await keepStream(page);
      assert.equal(await cameraOn(page), true);
      const fit = await page.evaluate(() => {
        const dialog = document.getElementById('rephoto-dialog');
        return { scroll: dialog.scrollWidth, width: dialog.clientWidth, page: document.documentElement.scrollWidth,
          bottom: document.getElementById('rephoto-cancel').getBoundingClientRect().bottom };
      });
      assert.ok(fit.scroll <= fit.width && fit.page <= 320, `no sideways scrolling: ${JSON.stringify(fit)}`);
      assert.ok(fit.bottom <= 568, `the buttons are on the screen: ${JSON.stringify(fit)}`);
      assert.deepEqual((await seriousAccessibilityViolations(page)).map((v) => v.id), []);
      await close();
      await page.locator('#rephoto-dialog').waitFor({ state: 'hidden' });
      await page.waitForFunction(() => document.getElementById('rephoto-video').srcObject === null);
      assert.equal(await cameraOn(page), false);
      assert.equal(await page.evaluate(() => document.getElementById('photo_now-1-file').files.length), 0);
    }
  });
});
