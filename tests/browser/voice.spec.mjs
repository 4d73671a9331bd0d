// A story told aloud, end to end on a phone (issue 14): a resident records with Chromium's fake
// microphone (Mandarin speech from espeak-ng, see run.sh) and sends the form while still
// recording — the recording is stopped and sent with it; the site's workers make the access copy;
// the resident writes the transcript and index on the tracking page; an admin listens on the
// review page and approves; the public story page plays it, and a time in the transcript seeks
// the player. SCREENSHOTS=<folder> keeps pictures of the tracking and story pages at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, withPage, waitForIslands, browserArgs, sql, seriousAccessibilityViolations } from './support.mjs';

const microphone = process.env.FAKE_MICROPHONE_WAV;
browserArgs(
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
  ...(microphone ? [`--use-file-for-fake-audio-capture=${microphone}`] : []),
);

const phone = { javaScriptEnabled: true, hasTouch: true, viewport: { width: 390, height: 844 } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const title = `渡口的声音 ${Date.now()}`;

async function noSidewaysScroll(page, where) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `${where}: ${width} px wide`);
}

/** Polls the database until the story's recording is processed (the site's own workers). */
async function processed(storyId) {
  for (let i = 0; i < 120; i++) {
    const state = sql(`select state from recordings where story_id = ${storyId}`);
    if (state === 'ready') return;
    assert.notEqual(state, 'failed', sql(`select failure from recordings where story_id = ${storyId}`));
    await sleep(500);
  }
  assert.fail('the recording was not processed within a minute');
}

test('told aloud: recorded, sent while recording, transcribed, approved, played and sought', { timeout: 180000 }, async () => {
  let track;
  await withPage(phone, async (page) => {
    await page.goto(url('/submit'));
    await waitForIslands(page);
    await page.locator('#recording-1-record').waitFor({ state: 'visible', timeout: 15000 });
    await page.fill('#title', title);
    await page.fill('#place', '老渡口');
    await page.fill('#year_then', '2013');
    await page.fill('#year_now', '2023');
    await page.check('#theme-transport');
    await page.check('#consent_publish');
    await page.check('#consent_voice');
    await page.click('#recording-1-record');
    await page.locator('#recording-1-stop').waitFor({ state: 'visible', timeout: 15000 });
    await sleep(4000);
    // No text typed: the recording tells the story. Sent while the recorder still runs.
    await page.click('form.story-form button[type=submit]');
    await page.waitForURL(/\/track\//, { timeout: 60000 });
    track = new URL(page.url()).pathname;
  });
  const storyId = sql(`select id from stories where title = '${title}'`);
  assert.ok(storyId, 'the story was stored');
  assert.equal(sql(`select count(*) from recordings where story_id = ${storyId}`), '1', 'with its recording');
  await processed(storyId);
  const seconds = Number(sql(`select duration_ms from recordings where story_id = ${storyId}`)) / 1000;
  assert.ok(seconds >= 3 && seconds < 30, `${seconds} s recorded`);

  await withPage(phone, async (page) => {
    await page.goto(url(track));
    await page.click('.transcript-editor > summary');
    await page.fill('textarea[name=transcript]', '0:00 十年前我每天坐渡轮去上班。\n0:02 后来修了大桥，渡轮就停了。');
    await page.fill('textarea[name=index]', '0:00 渡轮\nkeywords: 上班, 大桥');
    await page.click('.transcript-editor button[type=submit]');
    await page.waitForURL(/saved=1/);
    assert.match(await page.textContent('.submitted-recordings'), /后来修了大桥/);
    await noSidewaysScroll(page, 'tracking page');
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/track-recording.png`, fullPage: true });
  });

  await withPage(phone, async (page) => {
    await page.goto(url('/login'));
    await page.fill('#email', process.env.ADMIN_EMAIL);
    await page.fill('#password', process.env.ADMIN_PASSWORD);
    await page.click('form[action="/login"] button[type=submit]');
    await page.goto(url(`/moderate/stories/${storyId}`));
    const length = await page.evaluate(async () => {
      const audio = document.querySelector('audio.transcript-audio');
      if (audio.readyState < 1) await new Promise((resolve) => audio.addEventListener('loadedmetadata', resolve, { once: true }));
      return audio.duration;
    });
    assert.ok(Math.abs(length - seconds) < 1, `the moderator's player loads ${length} s`);
    await noSidewaysScroll(page, 'review page');
    await page.click('form.decision-approve button[type=submit]');
    assert.equal(new URL(page.url()).pathname, '/moderate');
  });
  assert.equal(sql(`select status from stories where id = ${storyId}`), 'approved');

  await withPage(phone, async (page) => {
    await page.goto(url(`/stories/${storyId}`));
    await page.waitForSelector('.transcript-player[data-hydrated="true"]', { timeout: 15000 });
    const audio = page.locator('audio.transcript-audio');
    assert.match(await audio.getAttribute('src'), /^\/media\/voice\/[\w-]+\.mp3$/);
    // The transcript player island seeks the page's player to a cue's time.
    await page.locator('.cue a.seek').nth(1).click();
    await page.waitForFunction(() => document.querySelector('audio.transcript-audio').currentTime >= 1.9, null, { timeout: 15000 });
    assert.equal(new URL(page.url()).pathname, `/stories/${storyId}`, 'it seeks in the page, not away from it');
    assert.match(await page.textContent('.transcript'), /后来修了大桥/);
    await noSidewaysScroll(page, 'story page');
    assert.deepEqual((await seriousAccessibilityViolations(page)).map((v) => v.id), []);
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/story-recording.png`, fullPage: true });
  });
});
