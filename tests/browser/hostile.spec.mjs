// Hostile input is harmless: a corpus of script-injection payloads goes into every text field
// a person can type (public form, tracking edit, moderator edit, moderator messages, account
// form), then an admin with JavaScript on visits every page that shows them. Nothing may run
// (no `window.__pwned`, no request to /__pwned), every payload must read as text, and the
// Content-Security-Policy must report no violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { url, withPage, sql } from './support.mjs';

// Each at most 50 characters, so it fits every free-text field whole.
const PAYLOADS = [
  '</textarea><script>window.__pwned=1</script>',
  '</title><script>window.__pwned=2</script>',
  '"><img src=/__pwned/3 onerror=window.__pwned=3>',
  "'><svg onload=window.__pwned=4>",
  'javascript:fetch(`/__pwned/5`)//',
  '</style><script>window.__pwned=6</script>',
  ']]><script>window.__pwned=7</script>',
  '<!--<img src=/__pwned/8>--><b>8</b>',
  '${window.__pwned=9}`"\'\\</script>{"a":1}',
  'a\u200bb\u200dc <iframe src=/__pwned/10>',
];

const photo = fileURLToPath(new URL('../fixtures/photos/camera_gray.jpg', import.meta.url));
const padding = '——十年前这里还是一片菜地，如今成了社区公园，傍晚总有人在这里散步聊天。';
const run = Date.now().toString(36);

/** The story text: the payload, padded to the 50-character minimum. */
const storyText = (payload) => `${payload}\n\n${padding}${padding}`;
/** A title that stays unique per run and still carries the payload whole. */
const titleOf = (i, payload) => `${payload}${run}${i}`.slice(0, 120);

async function submit(i, payload) {
  const form = new FormData();
  const fields = {
    title: titleOf(i, payload),
    story: storyText(payload),
    place: payload,
    narrator_name: payload,
    real_name: payload,
    role: payload,
    assisted_by: payload,
    year_then: '2014',
    year_now: '2024',
    themes: 'community',
    consent_publish: 'on',
    consent_show_name: 'on',
    licence: 'cc-by-4.0',
    photo_then_alt: payload,
    photo_then_caption: payload,
    photo_then_credit: payload,
  };
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('photo_then', new Blob([readFileSync(photo)], { type: 'image/jpeg' }), 'then.jpg');
  const response = await fetch(url('/submit'), { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(response.status, 303, `story ${i} accepted`);
  return response.headers.get('location');
}

/** Submits the page's story form natively (no island) and waits for the page it answers. */
async function submitForm(page) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.evaluate(() => HTMLFormElement.prototype.submit.call(document.querySelector('form.story-form'))),
  ]);
  return response;
}

/** Opens the tracking page's folded edit form. */
async function openEditForm(page) {
  if (!(await page.locator('#story').isVisible())) await page.click('details.edit-story > summary');
}

/** Fails if anything fired or the CSP complained on the page just visited. */
async function assertHarmless(page, what, fired, violations) {
  const pwned = await page.evaluate(() => window.__pwned ?? null);
  assert.equal(pwned, null, `a payload ran on ${what}`);
  assert.deepEqual(fired, [], `a payload made a request on ${what}`);
  assert.deepEqual(violations, [], `CSP violations on ${what}`);
}

async function visit(page, path, state, { expectText = [], status = 200 } = {}) {
  const response = await page.goto(url(path));
  assert.equal(response.status(), status, path);
  await page.waitForLoadState('networkidle');
  await assertHarmless(page, path, state.fired, state.violations);
  const text = await page.evaluate(() => document.documentElement.innerText + ' ' +
    [...document.querySelectorAll('input, textarea')].map((e) => e.value).join(' ') + ' ' +
    [...document.querySelectorAll('img[alt]')].map((e) => e.alt).join(' '));
  for (const expected of expectText) {
    assert.ok(text.includes(expected.replace(/[\u200b\u200d]/g, '')) || text.includes(expected),
      `${path} shows ${JSON.stringify(expected)} as text`);
  }
}

async function waitForPhotos() {
  for (let i = 0; i < 120; i++) {
    const pending = sql(`select count(*) from photos p join stories s on s.id = p.story_id
                         where s.title like '%${run}%' and p.state <> 'ready'`);
    if (pending === '0') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('photos were never processed');
}

async function signIn(page) {
  await page.goto(url('/login'));
  await page.fill('#email', process.env.ADMIN_EMAIL);
  await page.fill('#password', process.env.ADMIN_PASSWORD);
  await page.click('form[action="/login"] button[type=submit]');
  assert.equal(new URL(page.url()).pathname, '/moderate');
}

/** A form post from the page itself, with the page's cookies and Origin. */
async function post(page, path, fields) {
  return page.evaluate(async ([path, fields]) => {
    const body = new URLSearchParams();
    for (const [name, value] of fields) body.append(name, value);
    const response = await fetch(path, { method: 'POST', body, redirect: 'manual' });
    return response.type === 'opaqueredirect' ? 303 : response.status;
  }, [path, fields]);
}

function watch(page) {
  const state = { fired: [], violations: [] };
  page.on('request', (request) => {
    if (request.url().includes('__pwned')) state.fired.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) state.violations.push(message.text());
  });
  return state;
}

test('every payload in every field is shown as text and runs nowhere', { timeout: 240000 }, async () => {
  const tracks = [];
  for (const [i, payload] of PAYLOADS.entries()) tracks.push(await submit(i, payload));
  const ids = PAYLOADS.map((_, i) => sql(`select id from stories where title = '${titleOf(i, PAYLOADS[i]).replaceAll("'", "''")}'`));
  await waitForPhotos();

  await withPage({ javaScriptEnabled: true }, async (page) => {
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));
    });
    const state = watch(page);

    // The contributor's own pages: tracking link, and the 422 re-render of the public form.
    for (const [i, track] of tracks.entries()) {
      await visit(page, track, state, { expectText: [PAYLOADS[i]] });
    }
    await page.goto(url('/submit'));
    for (const [i, payload] of PAYLOADS.entries()) {
      await page.fill('#title', payload);
      await page.fill('#story', storyText(payload));
      await page.fill('#place', payload);
      await page.fill('#year_then', '2030');
      await page.fill('#year_now', '2020');
      await page.evaluate(() => document.querySelector('form.story-form').setAttribute('novalidate', ''));
      const response = await submitForm(page);
      assert.equal(response.status(), 422, `re-render ${i}`);
      await assertHarmless(page, `the 422 re-render of payload ${i}`, state.fired, state.violations);
      assert.equal(await page.inputValue('#story'), storyText(payload));
      assert.equal(await page.inputValue('#title'), payload);
    }

    // The contributor edits a story through the tracking link: a 422 re-render keeps the text.
    await page.goto(url(tracks[0]));
    await openEditForm(page);
    await page.fill('#story', storyText(PAYLOADS[0]) + '\n' + PAYLOADS[1]);
    await page.fill('#year_now', '1800');
    assert.equal((await submitForm(page)).status(), 422);
    await assertHarmless(page, 'the tracking edit re-render', state.fired, state.violations);
    assert.ok((await page.inputValue('#story')).endsWith(PAYLOADS[1]));

    await signIn(page);
    // Moderator pages before any decision: queue and every review page.
    await visit(page, '/moderate', state, { expectText: [PAYLOADS[1]] });
    for (const [i, id] of ids.entries()) {
      await visit(page, `/moderate/stories/${id}`, state, { expectText: [PAYLOADS[i]] });
    }

    // Moderator edit with payloads, and its 422 re-render.
    const version = () => sql(`select version from stories where id = ${ids[1]}`);
    const edit = (title, story, yearNow) => [['version', version()], ['title', title], ['story', story],
      ['place', PAYLOADS[2]], ['narrator_name', PAYLOADS[3]], ['role', PAYLOADS[4]], ['year_then', '2014'],
      ['year_now', yearNow], ['themes', 'community']];
    assert.equal(await post(page, `/moderate/stories/${ids[1]}/edit`, edit(PAYLOADS[0], storyText(PAYLOADS[6]), '2024')), 303);
    await visit(page, `/moderate/stories/${ids[1]}`, state, { expectText: [PAYLOADS[0], PAYLOADS[6]] });
    const rerender = await page.evaluate(async ([path, fields]) => {
      const response = await fetch(path, { method: 'POST', body: new URLSearchParams(fields) });
      return [response.status, await response.text()];
    }, [`/moderate/stories/${ids[1]}/edit`, edit(PAYLOADS[0], storyText(PAYLOADS[0]), '1800')]);
    assert.equal(rerender[0], 422);
    await page.setContent(rerender[1]);
    await assertHarmless(page, 'the moderator edit re-render', state.fired, state.violations);

    // Moderator messages: request changes on one, reject another; the contributor sees both.
    const decide = (id, decision, message) => post(page, `/moderate/stories/${id}/decide`, [
      ['version', sql(`select version from stories where id = ${id}`)], ['decision', decision], ['message', message]]);
    assert.equal(await decide(ids[2], 'request_changes', PAYLOADS[0]), 303);
    assert.equal(await decide(ids[3], 'reject', PAYLOADS[5]), 303);

    // An account whose display name is a payload.
    assert.equal(await post(page, '/admin/accounts', [['email', `m${run}@example.org`], ['display_name', PAYLOADS[3]],
      ['role', 'moderator'], ['password', 'a long moderator passphrase 42']]), 303);

    // Approve the rest, then every public and staff page.
    for (const [i, id] of ids.entries()) {
      if (i === 2 || i === 3) continue;
      assert.equal(await decide(id, 'approve', ''), 303, `approve ${i}`);
    }
    await visit(page, '/admin/accounts', state, { expectText: [PAYLOADS[3]] });
    await visit(page, '/admin/audit', state, { expectText: [PAYLOADS[5]] });
    await visit(page, '/moderate?status=approved', state);
    await visit(page, tracks[2], state, { expectText: [PAYLOADS[0]] });
    await visit(page, tracks[3], state, { expectText: [PAYLOADS[5]] });
    await visit(page, '/', state, { expectText: [PAYLOADS[0], PAYLOADS[4]] });
    await visit(page, `/?q=${encodeURIComponent(PAYLOADS[4].slice(0, 8))}`, state);
    for (const [i, id] of ids.entries()) {
      if (i === 2 || i === 3) continue;
      await visit(page, `/stories/${id}`, state, { expectText: [i === 1 ? PAYLOADS[6] : PAYLOADS[i]] });
    }
    for (const path of ['/feed.atom', '/api/v1/stories', `/api/v1/stories/${ids[0]}`, '/sitemap.xml']) {
      await visit(page, path, state);
    }
  });
});

test('one-line fields refuse bidirectional overrides and invisible-only text', async () => {
  const body = new URLSearchParams({
    title: '\u200b\u200b\u200b\u200b\u200b', story: padding + padding, place: '银杏\u202e街',
    year_then: '2014', year_now: '2024', themes: 'community', consent_publish: 'on', licence: 'cc-by-4.0',
  });
  const response = await fetch(url('/submit'), { method: 'POST', body, redirect: 'manual' });
  assert.equal(response.status, 422);
  const html = await response.text();
  assert.match(html, /这一项必须填写/);
  assert.match(html, /文字方向/);
});

test('a 5,000-character word never widens a phone page', async () => {
  const word = 'ab'.repeat(2500);
  const location = await submit(99, word.slice(0, 40));
  await withPage({ viewport: { width: 320, height: 640 } }, async (page) => {
    await page.goto(url(location));
    await openEditForm(page);
    await page.fill('#story', `${word}${padding}`);
    assert.equal((await submitForm(page)).status(), 200, 'edit saved, tracking page shown');
    // Every element showing the word stays inside the screen. (Whole-page overflow from other
    // parts of some pages is the phone-first issue's to fix.)
    const widest = await page.evaluate((start) => {
      const holders = [...document.querySelectorAll('body *')]
        .filter((e) => e.children.length === 0 && e.textContent.includes(start));
      return Math.max(0, ...holders.map((e) => Math.max(e.getBoundingClientRect().right, e.scrollWidth)));
    }, word.slice(0, 200));
    assert.ok(widest > 0, 'the word is shown');
    assert.ok(widest <= 320, `the word reaches ${widest} px at 320`);
  });
});
