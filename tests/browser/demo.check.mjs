// Run by the smoke test of README command 1 (tests/smoke/dev-run.sh) against the server that
// `./dev.sh run` started on an empty data folder, in headless Chromium: the demo cards on /
// show their then/now pictures, and on every demo story page the comparison slider hydrates,
// moves and reveals the other photo. Not a *.spec.mjs: tests/browser/run.sh does not run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, withPage } from './support.mjs';

/** Whether each <img> under `selector` loads (decoded, non-zero size). Pictures below the fold
 * are lazy: each is scrolled into view and given the time to arrive. */
async function loadedImages(page, selector) {
  const images = page.locator(selector);
  const results = [];
  for (let i = 0; i < (await images.count()); i += 1) {
    const image = images.nth(i);
    await image.scrollIntoViewIfNeeded();
    results.push(
      await image.evaluate(async (img) => {
        await img.decode().catch(() => {});
        return { src: img.currentSrc || img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0 };
      }),
    );
  }
  return results;
}

test('the demo shows then/now pictures on / and a working slider on every demo story', async () => {
  let stories = [];
  await withPage({}, async (page) => {
    await page.goto(url('/'));
    await page.waitForLoadState('load');
    const pictures = await loadedImages(page, 'main img');
    assert.ok(pictures.length >= 10, `want a pair on each of 5 demo cards, found ${pictures.length} pictures`);
    for (const picture of pictures) assert.ok(picture.loaded, `picture did not load: ${picture.src}`);
    stories = await page.locator('main a[href^="/stories/"]').evaluateAll((links) => [
      ...new Set(links.map((a) => new URL(a.href).pathname).filter((p) => /^\/stories\/\d+$/.test(p))),
    ]);
  });
  assert.ok(stories.length >= 5, `want at least 5 demo stories on /, found ${stories.length}`);

  for (const story of stories) {
    await withPage({}, async (page) => {
      await page.goto(url(story));
      await page.waitForSelector('.compare[data-enhanced="true"]', { timeout: 15000 });
      const pair = await loadedImages(page, '.compare-pair img');
      assert.equal(pair.length, 2, `${story}: a then and a now photo`);
      for (const photo of pair) assert.ok(photo.loaded, `${story}: photo did not load: ${photo.src}`);
      const clip = () => page.locator('.compare-now').evaluate((el) => getComputedStyle(el).clipPath);
      assert.match(await clip(), /inset\(0px 0px 0px 50%\)/, `${story}: starts half and half`);
      await page.locator('.compare input[type=range]').focus();
      await page.keyboard.press('Home');
      assert.match(await clip(), /inset\(0px 0px 0px 0%\)/, `${story}: Home shows all of the now photo`);
      const range = await page.locator('.compare input[type=range]').boundingBox();
      await page.mouse.click(range.x + range.width * 0.9, range.y + range.height / 2);
      const value = Number(await page.locator('.compare input[type=range]').inputValue());
      assert.ok(value >= 80, `${story}: a tap near the end moves the slider (value ${value})`);
    });
  }
});
