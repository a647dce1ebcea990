// The staff console in a real browser (Debian's chromium via playwright-core) against the
// real district server on 127.0.0.1, with the real kiosk binary for sync.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync, writeFileSync } from 'node:fs';
import { startDistrict, launchBrowser, login, uuidv7, picture, root } from '../harness.mjs';

const PASSWORD = 'console e2e password';
let district;
let browser;

before(async () => {
  district = await startDistrict();
  district.push(join(root, 'assets/demo'));
  district.userAdd('ada', 'admin', PASSWORD);
  district.userAdd('mo', 'moderator', PASSWORD);
  district.userAdd('ed', 'editor', PASSWORD);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  district?.stop();
});

async function fresh() {
  await browser.clearCookies();
  return browser.newPage();
}

test('signs in in Chinese by default and switches language on any page', async () => {
  const page = await fresh();
  await page.goto(`${district.base}/console/login`);
  assert.equal(await page.locator('h1').innerText(), '登录');
  await picture(page, 'login-zh');
  // A wrong password is refused with a message, not a blank.
  await page.fill('#name', 'ada');
  await page.fill('#password', 'not the password');
  await page.click('form.login button');
  assert.match(await page.locator('.form-error').innerText(), /账户名或密码不对/);
  await login(page, district.base, 'ada', PASSWORD);
  assert.match(await page.locator('nav.main').innerText(), /微心愿/);
  await picture(page, 'home-zh');
  await page.goto(`${district.base}/console/wishes`);
  await Promise.all([page.waitForURL(/\/console\/wishes$/), page.click('nav.lang a[hreflang=en]')]);
  assert.match(await page.locator('nav.main').innerText(), /Wishes/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.goto(`${district.base}/console/`);
  await picture(page, 'home-en');
  await page.click('form.logout button');
  await page.waitForURL(/\/console\/login$/);
  assert.equal(await page.locator('h1').innerText(), 'Sign in', 'the choice stays after signing out');
  await picture(page, 'login-en');
  await page.click('nav.lang a[hreflang=zh]');
  await page.close();
});

test('a wish sent through the kiosk protocol is approved in the queue and reaches a kiosk', async () => {
  const token = district.kioskAdd('lobby-1', 'haizhiyun');
  const kiosk = district.kiosk('lobby-1', token);
  const text = '希望周末有儿童绘本角 <开放>';
  const r = await district.api('POST', '/v1/submissions', token, {
    items: [{
      id: uuidv7(), kind: 'wish', created_at: new Date().toISOString(),
      payload: { text, lang: 'zh', display_name: '小李' },
    }],
  });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).results[0].status, 'accepted');
  const before = kiosk.syncOnce();
  assert.ok(before, 'the kiosk synced');
  assert.equal(kiosk.status().wishes, 0, 'nothing approved yet');

  const page = await fresh();
  await login(page, district.base, 'mo', PASSWORD);
  await page.click('nav.main a[href="/console/wishes"]');
  const row = page.locator('tr', { has: page.locator('p.typed', { hasText: text }) });
  assert.equal(await row.locator('p.typed').innerText(), text, 'exactly as typed');
  await picture(page, 'wishes-zh');
  await Promise.all([page.waitForURL(/done=wish-approved/), row.locator('button.primary').click()]);
  assert.match(await page.locator('.notice').innerText(), /心愿已通过/);
  kiosk.syncOnce();
  assert.equal(kiosk.status().wishes, 1, 'the approved wish is in the kiosk cache');
  await page.goto(`${district.base}/console/wishes?status=approved`);
  assert.match(await page.locator('#wishes').innerText(), /儿童绘本角/);
  await page.click('nav.lang a[hreflang=en]');
  await picture(page, 'wishes-approved-en');
  await page.click('nav.lang a[hreflang=zh]');
  await page.close();
});

test('an offer to fulfil a wish is matched and the kiosk shows the wish as claimed', async () => {
  const token = district.kioskAdd('lobby-6', 'haizhiyun');
  const kiosk = district.kiosk('lobby-6', token);
  const text = '想找人一起练太极拳';
  const wishId = uuidv7();
  const send = async (kind, payload, id = uuidv7()) => {
    const r = await district.api('POST', '/v1/submissions', token, {
      items: [{ id, kind, created_at: new Date().toISOString(), payload }],
    });
    assert.equal((await r.json()).results[0].status, 'accepted');
  };
  await send('wish', { text, lang: 'zh', display_name: '老周' }, wishId);
  const page = await fresh();
  await login(page, district.base, 'mo', PASSWORD);
  await page.goto(`${district.base}/console/wishes`);
  const row = page.locator(`tr[data-wish="${wishId}"]`);
  await Promise.all([page.waitForURL(/done=wish-approved/), row.locator('button.primary').click()]);
  await send('claim', { wish: wishId, name: '陈师傅', contact: '139 1111 2222', note: '每天早上公园见' });

  await page.click('nav.tabs a[href="/console/wishes?status=offers"]');
  const offer = page.locator('tr[data-claim]', { hasText: '陈师傅' });
  assert.match(await offer.innerText(), /\+8613911112222/, 'the contact, to moderators');
  await picture(page, 'claims-zh');
  await offer.locator('form[action$="/match"] input[name=note]').fill('已电话联系');
  await Promise.all([page.waitForURL(/done=claim-matched/), offer.locator('form[action$="/match"] button').click()]);
  assert.match(await page.locator('.notice').innerText(), /认领已对接/);
  assert.match(await page.locator(`tr[data-offers-of="${wishId}"]`).innerText(), /已对接/);
  kiosk.syncOnce();
  const cached = kiosk.cached('wishes', wishId);
  assert.equal(cached?.status, 'claimed', 'the kiosk has the wish as claimed');
  assert.doesNotMatch(JSON.stringify(cached), /13911112222|陈师傅/, 'no helper details on a kiosk');
  await page.click('nav.lang a[hreflang=en]');
  await picture(page, 'claims-en');
  await page.click('nav.lang a[hreflang=zh]');
  await page.close();
});

test('an editor writes an article in both languages, publishes it, and a kiosk shows it', async () => {
  const token = district.kioskAdd('lobby-5', 'haizhiyun');
  const kiosk = district.kiosk('lobby-5', token);
  kiosk.syncOnce();
  const before = kiosk.status().articles;
  const page = await fresh();
  await login(page, district.base, 'ed', PASSWORD);
  // An image for it, uploaded to the library first.
  await page.goto(`${district.base}/console/media`);
  await page.setInputFiles('#file', join(root, 'docs/screenshots/console/login-zh.png'));
  await Promise.all([page.waitForURL(/\/console\/media\?done=/), page.click('form[enctype="multipart/form-data"] button')]);
  await page.click('nav.main a[href="/console/content"]');
  await picture(page, 'content-zh');
  await page.click('a[href="/console/content/articles/new"]');
  const sha = await page.locator('#new_sha option', { hasText: 'login-zh.png' }).getAttribute('value');
  await page.selectOption('#new_sha', sha);
  await page.fill('input[name=new_alt_zh]', '管理台登录页');
  await page.fill('input[name=new_alt_en]', 'The console sign-in page');
  await page.fill('#id', 'winter-market');
  await page.fill('#title_zh', '冬季市集');
  await page.fill('#summary_zh', '周末的冬季市集');
  await page.fill('#summary_en', 'The winter market at the weekend');
  await page.fill('#body_zh', '市集在广场举行。\n\n欢迎带孩子来。');
  await page.fill('#body_en', 'The market is on the square.\n\nBring the children.');
  await page.click('form.editor button.primary');
  // The English title was left empty: refused, with the message next to that field.
  const error = page.locator('[data-field="title.en"]');
  await error.waitFor();
  assert.match(await error.innerText(), /需要中文和英文（缺英文）/, "the protocol's rule, in Chinese");
  assert.equal(await page.locator('#title_zh').inputValue(), '冬季市集', 'what was typed stays');
  await picture(page, 'article-error-zh');
  await page.fill('#title_en', 'Winter market');
  await Promise.all([page.waitForURL(/done=content-saved/), page.click('form.editor button.primary')]);
  assert.match(await page.locator('#draft').innerText(), /winter-market/);
  kiosk.syncOnce();
  assert.equal(kiosk.status().articles, before, 'a draft does not reach kiosks');
  await Promise.all([page.waitForURL(/done=content-published/), page.click('form[action="/console/content/publish"] button')]);
  kiosk.syncOnce();
  assert.equal(kiosk.status().articles, before + 1, 'the published article is in the kiosk cache');
  const article = kiosk.cached('articles', 'winter-market');
  assert.equal(article.title.en, 'Winter market');
  assert.equal(article.images.length, 1, 'with its image');
  assert.equal(article.images[0].alt.en, 'The console sign-in page');
  const out = join(district.dir, 'winter-market.png');
  kiosk.snapshot('article:winter-market', 'en', out);
  assert.ok(statSync(out).size > 1000, 'the kiosk renders it');
  // The preview: the kiosk program on the server draws the article in both languages.
  await page.goto(`${district.base}/console/content/articles/winter-market`);
  await page.click('#preview-article');
  for (const img of await page.locator('#preview img').all()) {
    await img.evaluate((i) => i.decode());
    assert.equal(await img.evaluate((i) => i.naturalWidth), 540, 'a preview picture');
  }
  await picture(page, 'preview-zh');
  await page.close();
});

test('an editor changes an event, a wrong time is refused next to its field, a kiosk gets the change', async () => {
  const token = district.kioskAdd('lobby-7', 'liyuan');
  const kiosk = district.kiosk('lobby-7', token);
  kiosk.syncOnce();
  const page = await fresh();
  await login(page, district.base, 'ed', PASSWORD);
  await page.goto(`${district.base}/console/content`);
  await page.click('tr[data-event="weekly-tai-chi"] a');
  await page.waitForURL(/\/console\/content\/events\/weekly-tai-chi$/);
  assert.equal(await page.locator('#start').inputValue(), '2026-11-27T12:10');
  await page.fill('#end', '2026-11-27T11:00');
  await page.fill('#capacity', '40');
  await page.fill('#title_en', 'Tai chi at noon');
  await page.click('#event-form button.primary');
  const error = page.locator('[data-field="end"]');
  await error.waitFor();
  assert.match(await error.innerText(), /必须晚于开始时间/);
  await picture(page, 'event-edit-error-zh');
  await page.fill('#end', '2026-11-27T13:10');
  await Promise.all([page.waitForURL(/done=content-saved/), page.click('#event-form button.primary')]);
  await Promise.all([page.waitForURL(/done=content-published/), page.click('form[action="/console/content/publish"] button')]);
  kiosk.syncOnce();
  const cached = kiosk.cached('events', 'weekly-tai-chi');
  assert.equal(cached.title.en, 'Tai chi at noon');
  assert.equal(cached.capacity, 40);
  assert.equal(cached.end, '2026-11-27T13:10:00');
  await page.goto(`${district.base}/console/content/events/weekly-tai-chi`);
  await page.click('nav.lang a[hreflang=en]');
  await picture(page, 'event-edit-en');
  await page.click('nav.lang a[hreflang=zh]');
  await page.close();
});

test('an editor exports the content as a zip and imports it back after a dry run', async () => {
  const page = await fresh();
  await login(page, district.base, 'ed', PASSWORD);
  await page.goto(`${district.base}/console/content`);
  await page.click('a[href="/console/content/bundle"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export a.button')]);
  assert.match(download.suggestedFilename(), /^[a-z0-9-]+-bundle-\d+\.zip$/);
  const saved = join(district.dir, download.suggestedFilename());
  await download.saveAs(saved);
  assert.ok(statSync(saved).size > 10000, 'the zip holds the images');
  await page.setInputFiles('#bundle-file', saved);
  await page.click('#import button.primary');
  const report = await page.locator('#dry-run').innerText();
  assert.match(report, /^Dry run against http:\/\/127\.0\.0\.1:[1-9]\d*: nothing was changed/);
  assert.match(report, /image\(s\) to upload, \d+ already on the server/);
  await picture(page, 'bundle-dry-run-zh');
  await Promise.all([page.waitForURL(/done=bundle-published/), page.click('form[action$="/publish"] button')]);
  assert.match(await page.locator('.notice').innerText(), /内容包已发布/);
  // A file that is not a zip is refused with a reason, and nothing changes.
  const junk = join(district.dir, 'junk.zip');
  writeFileSync(junk, 'not a zip');
  await page.setInputFiles('#bundle-file', junk);
  await page.click('#import button.primary');
  assert.match(await page.locator('#import-refused').innerText(), /zip 文件被拒绝/);
  await picture(page, 'bundle-refused-zh');
  await page.goto(`${district.base}/console/lang/en?next=%2Fconsole%2Fcontent%2Fbundle`);
  assert.match(await page.locator('#import h2').innerText(), /Import/);
  await picture(page, 'bundle-en');
  await page.goto(`${district.base}/console/lang/zh?next=%2Fconsole%2Fcontent%2Fbundle`);
  await page.close();
});

test('a moderator cannot open the people page', async () => {
  const page = await fresh();
  await login(page, district.base, 'mo', PASSWORD);
  assert.doesNotMatch(await page.locator('nav.main').innerText(), /人员/);
  const response = await page.goto(`${district.base}/console/users`);
  assert.equal(response.status(), 403);
  assert.match(await page.locator('main').innerText(), /您的角色不能打开此页面/);
  await picture(page, 'forbidden-zh');
  await page.close();
});

test('an admin registers a kiosk, its token works once shown', async () => {
  const page = await fresh();
  await login(page, district.base, 'ada', PASSWORD);
  await page.goto(`${district.base}/console/kiosks`);
  await page.fill('#kiosk-name', 'lobby-2');
  await page.selectOption('#kiosk-station', 'haizhiyun');
  await page.click('form[action="/console/kiosks"] button');
  const token = (await page.locator('#new-token').innerText()).trim();
  assert.match(token, /^lkk_[0-9a-f]{64}$/);
  await picture(page, 'kiosk-registered-zh');
  const r = await district.api('GET', '/v1/kiosk', token);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).kiosk_id, 'lobby-2');
  await page.reload();
  assert.equal(await page.locator('#new-token').count(), 0, 'shown once only');
  await page.close();
});

test("a kiosk's screenshot is requested, uploaded on its heartbeat and shown", async () => {
  const token = district.kioskAdd('lobby-3', 'haizhiyun');
  const page = await fresh();
  await login(page, district.base, 'ada', PASSWORD);
  await page.goto(`${district.base}/console/kiosks`);
  const row = page.locator('tr[data-kiosk="lobby-3"]');
  await Promise.all([page.waitForURL(/done=screenshot-asked/), row.locator('form[action$="/screenshot"] button').click()]);
  const beat = await district.api('POST', '/v1/heartbeat', token, {
    kiosk_version: '0.1.0', content_seq: 0, outbox_depth: 0, clock: new Date().toISOString(),
  });
  assert.equal((await beat.json()).screenshot_wanted, true);
  // The kiosk's picture: a real PNG (here rendered by the browser from the kiosk's home).
  const shot = await browser.newPage();
  await shot.setViewportSize({ width: 540, height: 960 });
  await shot.goto(`${district.base}/console/login`);
  const png = await shot.screenshot();
  await shot.close();
  const up = await district.api('PUT', '/v1/kiosk/screenshot', token, png, 'image/png');
  assert.equal(up.status, 204);
  await page.reload();
  const img = page.locator('figure.screenshot img').first();
  await img.waitFor();
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth === 540), 'the picture loads');
  await picture(page, 'kiosks-zh');
  await page.click('nav.lang a[hreflang=en]');
  await picture(page, 'kiosks-en');
  await page.click('nav.lang a[hreflang=zh]');
  await page.close();
});

test("an editor changes the district's welcome, an empty language is refused next to its field, a kiosk gets it", async () => {
  const token = district.kioskAdd('lobby-9', 'haizhiyun');
  const kiosk = district.kiosk('lobby-9', token);
  kiosk.syncOnce();
  const page = await fresh();
  await login(page, district.base, 'ed', PASSWORD);
  await page.goto(`${district.base}/console/content`);
  await page.click('#edit-district');
  await page.waitForURL(/\/console\/content\/district$/);
  assert.equal(await page.locator('#welcome_zh').inputValue(), '欢迎来到红垒驿站');
  await picture(page, 'district-zh');
  await page.fill('#welcome_en', '');
  await page.fill('#accent', 'red');
  await page.click('#district-form button.primary');
  const error = page.locator('[data-field="welcome.en"]');
  await error.waitFor();
  assert.match(await error.innerText(), /需要中文和英文（缺英文）/);
  assert.match(await page.locator('[data-field="accent"]').innerText(), /不是 #RRGGBB 形式的颜色/);
  await picture(page, 'district-error-zh');
  await page.fill('#welcome_en', 'Welcome to the Red Fort Stations of Renmin Road');
  await page.fill('#accent', '#C8102E');
  await Promise.all([page.waitForURL(/done=content-saved/), page.click('#district-form button.primary')]);
  assert.match(await page.locator('#draft').innerText(), /zhongshan-renminlu/);
  await Promise.all([page.waitForURL(/done=content-published/), page.click('form[action="/console/content/publish"] button')]);
  kiosk.syncOnce();
  const cached = kiosk.cached('districts', 'zhongshan-renminlu');
  assert.equal(cached.brand.welcome.en, 'Welcome to the Red Fort Stations of Renmin Road');
  assert.equal(cached.brand.welcome.zh, '欢迎来到红垒驿站');
  await page.goto(`${district.base}/console/lang/en?next=%2Fconsole%2Fcontent%2Fdistrict`);
  assert.equal(await page.locator('h1').innerText(), 'District and brand');
  await picture(page, 'district-en');
  await page.goto(`${district.base}/console/lang/zh?next=%2Fconsole%2F`);
  await page.close();
});

test('an editor removes a room with its event after confirming, and a kiosk drops both', async () => {
  const token = district.kioskAdd('lobby-8', 'vanke');
  const kiosk = district.kiosk('lobby-8', token);
  kiosk.syncOnce();
  assert.ok(kiosk.cached('rooms', 'vanke-lounge'), 'the kiosk has the room');
  assert.ok(kiosk.cached('events', 'young-readers'), 'and its event');
  const page = await fresh();
  await login(page, district.base, 'ed', PASSWORD);
  await page.goto(`${district.base}/console/content/rooms/vanke-lounge`);
  await page.click('#remove-link');
  await page.waitForURL(/\/console\/content\/remove\/room\/vanke-lounge$/);
  // The confirmation names what goes with it before anything is drafted.
  assert.match(await page.locator('h1').innerText(), /删除房间“青年交流吧”/);
  assert.deepEqual(await page.locator('#remove-with li').evaluateAll((l) => l.map((li) => li.dataset.id)), ['young-readers']);
  assert.match(await page.locator('#confirm-remove').innerText(), /一并删除这 2 条（草稿）/);
  await picture(page, 'remove-zh');
  await page.click('nav.lang a[hreflang=en]');
  assert.match(await page.locator('#confirm-remove').innerText(), /Remove all 2 \(draft\)/);
  await picture(page, 'remove-en');
  await page.click('nav.lang a[hreflang=zh]');
  // "Keep it" changes nothing.
  await page.click('#keep');
  await page.waitForURL(/\/console\/content\/rooms\/vanke-lounge$/);
  await page.click('#remove-link');
  await Promise.all([page.waitForURL(/done=content-removal-drafted/), page.click('#confirm-remove')]);
  assert.match(await page.locator('.notice').innerText(), /删除已放入草稿/);
  const draft = await page.locator('#draft').innerText();
  assert.match(draft, /vanke-lounge/);
  assert.match(draft, /young-readers/);
  kiosk.syncOnce();
  assert.ok(kiosk.cached('rooms', 'vanke-lounge'), 'a drafted removal does not reach kiosks');
  await Promise.all([page.waitForURL(/done=content-published/), page.click('form[action="/console/content/publish"] button')]);
  kiosk.syncOnce();
  assert.equal(kiosk.cached('rooms', 'vanke-lounge'), null, 'the room is gone from the kiosk');
  assert.equal(kiosk.cached('events', 'young-readers'), null, 'and its event');
  assert.ok(kiosk.cached('rooms', 'vanke-studio'), 'the station keeps its other rooms');
  await page.close();
});

/** The next weekly occurrence (local time, two or more days ahead) of an event starting at `first`. */
function nextWeekly(first) {
  const base = Date.parse(`${first}Z`);
  const localNow = Date.now() + 8 * 3600 * 1000;
  let t = base;
  while (t < localNow + 2 * 86400 * 1000) t += 7 * 86400 * 1000;
  return new Date(t).toISOString().slice(0, 19);
}

test('every page in both languages (pictures for the docs when asked)', async () => {
  const token = district.kioskAdd('lobby-4', 'haizhiyun');
  const occurrence = nextWeekly('2026-11-24T12:10:00');
  for (const [name, contact, party] of [['王芳', '138 0000 0000', 2], ['Sam Lee', 'sam@example.org', 1]]) {
    const r = await district.api('POST', '/v1/submissions', token, {
      items: [{
        id: uuidv7(), kind: 'signup', created_at: new Date().toISOString(),
        payload: { event: 'weekly-handicraft-haizhiyun', occurrence_start: occurrence, name, contact, party_size: party },
      }],
    });
    assert.equal((await r.json()).results[0].status, 'accepted');
  }
  const page = await fresh();
  await login(page, district.base, 'ada', PASSWORD);
  const pages = [
    ['content', '/console/content'],
    ['article', '/console/content/articles/zhongshan-square'],
    ['media', '/console/media'],
    ['events', '/console/events'],
    ['event', '/console/events/weekly-handicraft-haizhiyun'],
    ['users', '/console/users'],
    ['audit', '/console/audit'],
    ['account', '/console/account'],
  ];
  for (const lang of ['zh', 'en']) {
    await page.goto(`${district.base}/console/lang/${lang}?next=%2Fconsole%2F`);
    for (const [name, path] of pages) {
      const response = await page.goto(district.base + path);
      assert.equal(response.status(), 200, path);
      assert.equal(await page.locator('html').getAttribute('lang'), lang === 'zh' ? 'zh-CN' : 'en');
      await picture(page, `${name}-${lang}`);
    }
  }
  await page.goto(`${district.base}/console/lang/zh?next=%2Fconsole%2Fevents%2Fweekly-handicraft-haizhiyun`);
  assert.match(await page.locator('main').innerText(), /已报 3 位/);
  await page.close();
});
