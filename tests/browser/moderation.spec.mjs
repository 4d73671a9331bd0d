// An admin signs in on a phone, approves a pending story, and the public sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, withPage, sql } from './support.mjs';

const title = `浏览器审核测试 ${Date.now()}`;

async function submitPendingStory() {
  const body = new URLSearchParams({
    title,
    story: '二〇一四年这条街还是泥土路，下雨天要穿雨靴出门。二〇二四年铺上了透水砖，还种了一排银杏，老人们傍晚在树下下棋。',
    place: '银杏街',
    year_then: '2014',
    year_now: '2024',
    themes: 'environment',
    consent_publish: 'on',
    licence: 'cc-by-4.0',
  });
  const response = await fetch(url('/submit'), { method: 'POST', body, redirect: 'manual' });
  assert.equal(response.status, 303);
}

test('an admin approves a pending story and it appears on the timeline', async () => {
  await submitPendingStory();
  await withPage({ javaScriptEnabled: true }, async (page) => {
    const home = await page.goto(url('/'));
    assert.equal(home.status(), 200);
    assert.equal(await page.getByText(title).count(), 0, 'not public while pending');

    // The queue is behind the sign-in page.
    await page.goto(url('/moderate'));
    assert.match(new URL(page.url()).pathname, /^\/login$/);
    await page.fill('#email', process.env.ADMIN_EMAIL);
    await page.fill('#password', 'wrong password here');
    await page.click('form[action="/login"] button[type=submit]');
    assert.match(await page.textContent('.error-summary'), /邮箱或密码不正确/);
    await page.fill('#password', process.env.ADMIN_PASSWORD);
    await page.click('form[action="/login"] button[type=submit]');
    assert.equal(new URL(page.url()).pathname, '/moderate');

    const item = page.locator('.queue-item', { hasText: title });
    await item.getByRole('button').click();
    assert.match(new URL(page.url()).pathname, /^\/moderate\/stories\/\d+$/);
    assert.match(await page.textContent('.claim'), /你正在审核/);
    await page.click('form.decision-approve button[type=submit]');
    assert.equal(new URL(page.url()).pathname, '/moderate');
    assert.match(await page.textContent('.notice'), /已处理 1 个故事/);

    await page.goto(url('/'));
    assert.equal(await page.getByText(title).count(), 1, 'public once approved');
  });
  assert.equal(sql(`select status from stories where title = '${title}'`), 'approved');
  assert.equal(sql(`select count(*) from story_audit_log l join stories s on s.id = l.story_id
                    where s.title = '${title}' and l.action = 'approved' and l.moderator_id is not null`), '1');
});

test('signed out, moderation pages send you to sign in, also with JavaScript off', async () => {
  await withPage({ javaScriptEnabled: false }, async (page) => {
    for (const path of ['/moderate', '/admin/accounts', '/admin/audit']) {
      const response = await page.goto(url(path));
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/login', path);
    }
  });
});
