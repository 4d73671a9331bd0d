// Recording a story aloud in the page (issue 14): record, pause, resume, stop, listen back, the
// level meter and the 60-minute clock; the recording lands in the group's file input, so the form
// sends it like a chosen file. Interview mode writes "next question" markers into
// recording_markers. Chromium's fake microphone plays Mandarin speech made by espeak-ng
// (tests/browser/run.sh writes it and names it in FAKE_MICROPHONE_WAV; without it Chromium beeps).
// Nothing is submitted here. SCREENSHOTS=<folder> keeps a picture of the recorder at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, withPage, waitForIslands, browserArgs, seriousAccessibilityViolations } from './support.mjs';

const microphone = process.env.FAKE_MICROPHONE_WAV;
browserArgs(
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
  ...(microphone ? [`--use-file-for-fake-audio-capture=${microphone}`] : []),
);

const phone = { javaScriptEnabled: true, hasTouch: true, viewport: { width: 390, height: 844 } };
const id = (part, group = 1) => `#recording-${group}-${part}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps every microphone stream the page opens, to see later whether it was released. */
async function watchMicrophone(page) {
  await page.addInitScript(() => {
    const devices = navigator.mediaDevices;
    const open = devices.getUserMedia.bind(devices);
    window.microphones = [];
    devices.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      window.microphones.push(stream);
      return stream;
    };
  });
}

const microphoneLive = (page) => page.evaluate(
  () => window.microphones.some((s) => s.getTracks().some((t) => t.readyState === 'live')),
);
const markers = (page) => page.inputValue(id('markers'));

async function openRecorder(page) {
  await page.goto(url('/submit'));
  await waitForIslands(page);
  await page.locator(id('record')).waitFor({ state: 'visible', timeout: 15000 });
}

/** The meter's widest width (percent) over `ms`. */
async function widestLevel(page, ms) {
  let widest = 0;
  for (let waited = 0; waited < ms; waited += 100) {
    const width = await page.evaluate((sel) => parseFloat(document.querySelector(sel).style.width) || 0, id('level'));
    widest = Math.max(widest, width);
    await sleep(100);
  }
  return widest;
}

test('records with pause and resume into the file input; interview markers leave out the pause', { timeout: 120000 }, async (t) => {
  await withPage(phone, async (page) => {
    await watchMicrophone(page);
    await openRecorder(page);
    for (const part of ['record', 'interview']) {
      assert.equal(await page.locator(id(part)).isVisible(), true, `${part} is shown`);
    }
    assert.ok((await page.locator(id('record')).boundingBox()).height >= 44, 'record is a big enough tap target');
    assert.equal(await page.locator(id('listen')).isVisible(), false, 'nothing to listen to yet');
    if (process.env.SCREENSHOTS) await page.locator('#field-recording').screenshot({ path: `${process.env.SCREENSHOTS}/recorder-idle.png` });

    await page.check(id('interview'));
    assert.match(await page.textContent(id('question')), /十年前/);
    // Taken before the click: the recorder's clock starts after it, so every
    // elapsed time measured from here is an upper bound of the recorder's.
    const started = Date.now();
    await page.click(id('record'));
    await page.locator(id('pause')).waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await markers(page), '0:1', 'question 1 starts at 0');
    for (const part of ['pause', 'stop', 'next']) {
      assert.ok((await page.locator(id(part)).boundingBox()).height >= 44, `${part} is a big enough tap target`);
    }

    const level = await widestLevel(page, 1500);
    t.diagnostic(`widest level ${level}%`);
    assert.ok(level > 5, `the level meter moves with the voice (${level}%)`);
    await page.click(id('next'));
    const second = await markers(page);
    assert.match(second, /^0:1 \d+:2$/);
    const atSecond = Number(second.split(' ')[1].split(':')[0]);
    assert.ok(atSecond >= 1200 && atSecond <= Date.now() - started + 100, `question 2 at ${atSecond} ms`);
    assert.match(await page.textContent(id('question')), /上班/);
    if (process.env.SCREENSHOTS) await page.locator('#field-recording').screenshot({ path: `${process.env.SCREENSHOTS}/recorder.png` });

    await page.click(id('pause'));
    await page.locator(id('resume')).waitFor({ state: 'visible' });
    assert.match(await page.textContent(id('time')), /已暂停/);
    const pausedAt = await page.textContent(id('time'));
    await sleep(2000);
    assert.equal(await page.textContent(id('time')), pausedAt, 'the clock stands still while paused');
    await page.click(id('resume'));
    await sleep(1000);
    await page.click(id('next'));
    const third = await markers(page);
    assert.match(third, /^0:1 \d+:2 \d+:3$/);
    const atThird = Number(third.split(' ')[2].split(':')[0]);
    const wall = Date.now() - started;
    assert.ok(atThird - atSecond >= 800 && atThird <= wall - 1700, `question 3 at ${atThird} ms of ${wall} ms, the 2 s pause left out`);
    assert.match(await page.textContent(id('time')), /^正在录音\s*0:0\d\s*（最长 60:00）$/);
    assert.equal(await page.getAttribute(id('time'), 'aria-live'), 'polite');

    await page.click(id('stop'));
    await page.locator(id('again')).waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await microphoneLive(page), false, 'the microphone is released');
    assert.equal(await markers(page), third, 'the markers stay with the recording');
    const recorded = await page.evaluate(async (sel) => {
      const file = document.querySelector(sel).files[0];
      const context = new AudioContext();
      const audio = await context.decodeAudioData(await file.arrayBuffer());
      return { name: file.name, type: file.type, size: file.size, seconds: audio.duration };
    }, id('file'));
    t.diagnostic(`recorded ${JSON.stringify(recorded)}`);
    assert.equal(recorded.name, 'recording-1.webm');
    assert.match(recorded.type, /^audio\/webm/);
    assert.ok(recorded.size > 1000, 'a non-empty recording');
    assert.ok(recorded.seconds > 2 && recorded.seconds < (Date.now() - started) / 1000 - 1.5, `${recorded.seconds} s, without the pause`);
    assert.match(await page.getAttribute(id('listen'), 'src'), /^blob:/);
    assert.equal(await page.locator(id('listen')).isVisible(), true);
    assert.match(await page.textContent(id('status')), /已经放进表格里/);
    if (process.env.SCREENSHOTS) await page.locator('#field-recording').screenshot({ path: `${process.env.SCREENSHOTS}/recorder-done.png` });
    assert.deepEqual((await seriousAccessibilityViolations(page)).map((v) => v.id), []);

    // "Record again", turned down, keeps everything.
    page.once('dialog', (dialog) => dialog.dismiss());
    await page.click(id('again'));
    await sleep(300);
    assert.equal(await page.evaluate((sel) => document.querySelector(sel).files.length, id('file')), 1);
    assert.equal(await markers(page), third);

    // Accepted, it clears the recording and its markers and starts a new one.
    await page.uncheck(id('interview'));
    page.once('dialog', (dialog) => dialog.accept());
    await page.click(id('again'));
    await page.locator(id('stop')).waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await markers(page), '', 'Record again clears the markers');
    assert.equal(await page.evaluate((sel) => document.querySelector(sel).files.length, id('file')), 0);
    assert.equal(await page.locator(id('listen')).isVisible(), false);
    await sleep(1200);
    await page.click(id('stop'));
    await page.locator(id('again')).waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await page.evaluate((sel) => document.querySelector(sel).files[0].size > 0, id('file')), true);
    assert.equal(await markers(page), '');
    assert.equal(await microphoneLive(page), false);
    assert.match(page.url(), /\/submit$/, 'nothing was sent');
  });
});

test('the recorder fits a 320 px phone in interview mode while recording', { timeout: 60000 }, async () => {
  await withPage({ ...phone, viewport: { width: 320, height: 568 } }, async (page) => {
    await openRecorder(page);
    await page.check(id('interview'));
    await page.click(id('record'));
    await page.locator(id('stop')).waitFor({ state: 'visible', timeout: 15000 });
    for (const part of ['pause', 'stop', 'next']) {
      const box = await page.locator(id(part)).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 320, `${part} is on the screen: ${JSON.stringify(box)}`);
    }
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      fieldset: document.getElementById('field-recording').scrollWidth,
      fieldsetBox: document.getElementById('field-recording').clientWidth,
    }));
    assert.ok(widths.page <= 320 && widths.fieldset <= widths.fieldsetBox, `no sideways scrolling: ${JSON.stringify(widths)}`);
    await page.click(id('stop'));
    await page.locator(id('again')).waitFor({ state: 'visible', timeout: 15000 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320, 'nor with the player');
  });
});

test('without JavaScript each recording is a plain audio file input with its details', async () => {
  await withPage({ ...phone, javaScriptEnabled: false }, async (page) => {
    await page.goto(url('/submit'));
    const files = page.locator('input[type=file][name=recording]');
    assert.equal(await files.count(), 2);
    assert.equal(await files.first().getAttribute('accept'), 'audio/*');
    assert.equal(await files.first().isVisible(), true);
    assert.equal(await page.locator(id('record')).isVisible(), false);
    assert.equal(await page.locator('input[name=recording_markers]').count(), 2);
    assert.equal(await page.locator('input[name=recording_summary]').count(), 2);
    assert.equal(await page.locator(id('summary')).isVisible(), false, 'the optional details are folded');
    await page.click('#recording-1-summary >> xpath=ancestor::details[1]/summary');
    assert.equal(await page.locator(id('summary')).isVisible(), true);
    assert.equal(await page.locator(id('interviewer')).isVisible(), true);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390);
  });
});

test('with the microphone refused the resident is told, and a chosen file can be listened to', { timeout: 60000 }, async () => {
  await withPage(phone, async (page) => {
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await openRecorder(page);
    await page.click(id('record'));
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.includes('没有获准使用麦克风'), id('status'));
    assert.equal(await page.locator(id('record')).isEnabled(), true, 'it can be tried again');
    if (microphone) {
      await page.setInputFiles(id('file'), microphone);
      await page.waitForFunction((sel) => (document.querySelector(sel).getAttribute('src') ?? '').startsWith('blob:'), id('listen'));
      assert.match(await page.textContent(id('status')), /已选好录音文件/);
    }
  });
});

test('without MediaRecorder the recorder says so and leaves the file input', async () => {
  await withPage(phone, async (page) => {
    await page.addInitScript(() => { delete window.MediaRecorder; });
    await page.goto(url('/submit'));
    await waitForIslands(page);
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.includes('不能在网页里录音'), id('status'));
    assert.equal(await page.locator(id('record')).isVisible(), false);
    assert.equal(await page.locator(id('file')).isVisible(), true);
  });
});
