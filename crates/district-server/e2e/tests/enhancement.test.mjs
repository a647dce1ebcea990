// The console's progressive enhancement (console.js) in a real browser: an image picked for
// upload shows with its sizes (and a warning over the limits) before it is sent; sections are
// reordered by dragging and by the keyboard, saved into the draft and published; and with
// JavaScript turned off the same edit works by typing the numbers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { startDistrict, launchBrowser, login, picture, root } from '../harness.mjs';

const PASSWORD = 'console e2e password';
let district;
let browser;
let noScript;

before(async () => {
  district = await startDistrict();
  district.push(join(root, 'assets/demo'));
  district.userAdd('ed', 'editor', PASSWORD);
  browser = await launchBrowser();
  noScript = await launchBrowser({ javaScript: false });
});

after(async () => {
  await browser?.close();
  await noScript?.close();
  district?.stop();
});

async function fresh(context = browser) {
  await context.clearCookies();
  return context.newPage();
}

/** A PNG's pixel size, from its header. */
function pngSize(file) {
  const b = readFileSync(file);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** A small opaque grey PNG of `width`×`height` (Node 20 has no zlib.crc32: a table CRC). */
function writePng(file, width, height) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter: none
  writeFileSync(file, Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]));
}

/** The section ids in the order the order page lists them. */
async function listedOrder(page) {
  return page.locator('ol.reorder li').evaluateAll((items) => items.map((li) => li.dataset.section));
}

test('a picked PNG shows before upload with its pixel and file size; one too small is warned about', async () => {
  const page = await fresh();
  await login(page, district.base, 'ed', PASSWORD);
  await page.goto(`${district.base}/console/media`);
  assert.equal(await page.locator('#file-preview').count(), 0, 'nothing shown before a file is picked');
  const png = join(root, 'docs/screenshots/console/login-zh.png');
  const { width, height } = pngSize(png);
  await page.setInputFiles('#file', png);
  const preview = page.locator('#file-preview');
  await preview.locator('img').waitFor();
  await page.waitForFunction(() => document.querySelector('#file-preview img')?.naturalWidth > 0);
  assert.equal(await preview.locator('img').evaluate((i) => i.naturalWidth), width, 'the picture itself');
  const kb = Math.round(statSync(png).size / 1024);
  assert.equal(await preview.locator('figcaption').innerText(), `${width} × ${height} 像素 · ${kb} KB`);
  assert.equal(await preview.locator('.field-warning').isVisible(), false, 'within the limits: no warning');
  await picture(page, 'media-preview-zh');

  // Under the smallest side: warned in the page's language, and the server still decides.
  const tiny = join(district.dir, 'tiny.png');
  writePng(tiny, 8, 8);
  await page.setInputFiles('#file', tiny);
  await page.waitForFunction(() => document.querySelector('#file-preview figcaption')?.textContent.startsWith('8 × 8'));
  assert.match(await preview.locator('.field-warning').innerText(), /边长须在 16–4096 像素之间/);
  await page.goto(`${district.base}/console/lang/en?next=%2Fconsole%2Fmedia`);
  await page.setInputFiles('#file', tiny);
  await page.locator('#file-preview .field-warning').waitFor();
  assert.match(await preview.locator('.field-warning').innerText(), /Sides must be 16–4096 pixels/);
  await picture(page, 'media-preview-warned-en');
  await Promise.all([page.waitForLoadState('load'), page.click('form[enctype="multipart/form-data"] button')]);
  assert.match(await page.locator('.field-error[data-field="file"]').innerText(), /refused and nothing changed/,
    'the server refuses it too, next to the field');
  await page.goto(`${district.base}/console/lang/zh?next=%2Fconsole%2F`);

  // A picture chosen from the library (here a station's) shows beside the list.
  await page.goto(`${district.base}/console/content/stations/haizhiyun`);
  await page.waitForFunction(() => document.querySelector('#image-preview img')?.naturalWidth > 0);
  assert.equal(await page.locator('#image-preview').isVisible(), true);
  await page.selectOption('#image', '');
  assert.equal(await page.locator('#image-preview').isVisible(), false, 'no picture: nothing shown');

  // The section's own icon has the same preview, with the icon's limits.
  await page.goto(`${district.base}/console/content/sections/partnership`);
  await page.setInputFiles('#icon_file', png);
  await page.locator('#icon_file-preview .field-warning').waitFor();
  assert.match(await page.locator('#icon_file-preview .field-warning').innerText(), /16–1024/);
  await page.close();
});

test('dragging section B above A and saving puts the new order in the draft; publishing sends it', async () => {
  const token = district.kioskAdd('lobby-order', 'haizhiyun');
  const kiosk = district.kiosk('lobby-order', token);
  const page = await fresh();
  await login(page, district.base, 'ed', PASSWORD);
  await page.goto(`${district.base}/console/content`);
  await Promise.all([page.waitForURL(/section-order$/), page.click('#section-order-link')]);
  const start = await listedOrder(page);
  assert.deepEqual(start.slice(0, 2), ['beautiful-zhongshan', 'somerset-harbour']);
  const a = page.locator('li[data-section="beautiful-zhongshan"]');
  const b = page.locator('li[data-section="somerset-harbour"]');
  // Drag B's handle above A with the mouse, in small steps as a hand would.
  const from = await b.locator('.reorder-handle').boundingBox();
  const to = await a.boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, to.y + 4, { steps: 12 });
  await page.mouse.up();
  assert.deepEqual((await listedOrder(page)).slice(0, 2), ['somerset-harbour', 'beautiful-zhongshan']);
  assert.equal(await b.locator('input[data-order]').inputValue(), '1', 'the numbers follow');
  assert.equal(await a.locator('input[data-order]').inputValue(), '2');
  // The keyboard moves one too: the last section up by one, with the arrow key on its handle.
  const last = start[start.length - 1];
  const before = start[start.length - 2];
  await page.locator(`li[data-section="${last}"] .reorder-handle`).focus();
  await page.keyboard.press('ArrowUp');
  assert.deepEqual((await listedOrder(page)).slice(-2), [last, before]);
  assert.match(await page.locator('.reorder-status').innerText(), /已移到第 7 位/);
  await picture(page, 'section-order-zh');
  await Promise.all([page.waitForURL(/done=sections-order-saved/), page.click('#section-order button.primary')]);
  const draft = await page.locator('#draft').innerText();
  for (const id of ['somerset-harbour', 'beautiful-zhongshan', last, before]) assert.match(draft, new RegExp(id));
  assert.doesNotMatch(draft, /red-fort-stations/, 'a section that did not move is not drafted');
  // After a reload the order page shows the drafted order.
  await page.goto(`${district.base}/console/content/section-order`);
  await page.reload();
  const saved = await listedOrder(page);
  assert.deepEqual(saved.slice(0, 2), ['somerset-harbour', 'beautiful-zhongshan']);
  assert.deepEqual(saved.slice(-2), [last, before]);
  await page.goto(`${district.base}/console/lang/en?next=%2Fconsole%2Fcontent%2Fsection-order`);
  await picture(page, 'section-order-en');
  await page.goto(`${district.base}/console/lang/zh?next=%2Fconsole%2Fcontent`);
  // Published like any draft, it reaches a kiosk.
  await Promise.all([page.waitForURL(/done=content-published/), page.click('form[action="/console/content/publish"] button')]);
  kiosk.syncOnce();
  assert.equal(kiosk.cached('sections', 'somerset-harbour').order, 1);
  assert.equal(kiosk.cached('sections', 'beautiful-zhongshan').order, 2);
  await page.close();
});

test('with JavaScript off the order is changed by typing the numbers', async () => {
  const page = await fresh(noScript);
  await login(page, district.base, 'ed', PASSWORD);
  await page.goto(`${district.base}/console/content/section-order`);
  assert.equal(await page.locator('.reorder-handle').count(), 0, 'no script ran: no handles');
  assert.equal(await page.locator('.upload-preview').count(), 0);
  // Put beautiful-zhongshan back first: 0 sorts before somerset-harbour's 1.
  await page.fill('#order_beautiful-zhongshan', '0');
  await Promise.all([page.waitForURL(/done=sections-order-saved/), page.click('#section-order button.primary')]);
  await page.goto(`${district.base}/console/content/section-order`);
  assert.deepEqual((await listedOrder(page)).slice(0, 2), ['beautiful-zhongshan', 'somerset-harbour']);
  await page.close();
});
