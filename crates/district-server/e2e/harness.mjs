// The real parts the browser tests drive: the district server binary on 127.0.0.1 (a fresh
// data folder, the demo bundle pushed with kioskctl), the kiosk binary for `sync --once`, and
// Debian's chromium through playwright-core. Nothing here is a stand-in.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../../..');
const bins = process.env.LOBBY_BIN_DIR ?? join(root, 'target/debug');
export const bin = (name) => join(bins, name);

function run(name, args, { input, env } = {}) {
  const out = spawnSync(bin(name), args, {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (out.status !== 0) {
    throw new Error(`${name} ${args.join(' ')} failed (${out.status}): ${out.stderr}`);
  }
  return out.stdout.trim();
}

/** A district server of its own, serving until `stop()`. */
export async function startDistrict() {
  const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const config = join(dir, 'district-server.toml');
  const staffToken = run('district-server', ['--config', config, 'init']);
  // The kiosk binary next to it is on the PATH, so the console's previews can use it.
  const child = spawn(bin('district-server'), ['--config', config, 'serve', '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${bins}:${process.env.PATH}` },
  });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const base = await new Promise((ok, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${log}`)), 20000);
    child.stdout.on('data', (d) => {
      seen += d;
      const m = seen.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => fail(new Error(`server exited ${code}: ${log}`)));
  });
  const district = {
    dir, config, base, staffToken,
    log: () => log,
    userAdd(name, role, password) {
      run('district-server', ['--config', config, 'user', 'add', name, '--role', role], { input: `${password}\n` });
    },
    kioskAdd(name, station) {
      return run('district-server', ['--config', config, 'kiosk', 'add', name, '--station', station]);
    },
    push(bundle) {
      return run('kioskctl', ['push', bundle], { env: { KIOSKCTL_TOKEN: staffToken, KIOSKCTL_SERVER: base } });
    },
    /** A kiosk's data folder and config pointing at this server. */
    kiosk(name, token) {
      const kdir = join(dir, `kiosk-${name}`);
      mkdirSync(kdir, { recursive: true });
      const kconfig = join(kdir, 'kiosk.toml');
      writeFileSync(kconfig, `data_dir = "${join(kdir, 'data')}"\nserver = "${base}"\ntoken = "${token}"\n`);
      return {
        syncOnce: () => JSON.parse(run('kiosk', ['--config', kconfig, 'sync', '--once', '--json'])),
        status: () => JSON.parse(run('kiosk', ['--config', kconfig, 'status', '--json'])),
        /** A record as the kiosk cached it (its JSON), read with the sqlite3 shell, read-only. */
        cached(table, id) {
          const out = spawnSync('sqlite3', ['-readonly', join(kdir, 'data', 'content.db'),
            `SELECT data FROM ${table} WHERE id = '${id.replace(/'/g, "''")}'`], { encoding: 'utf8' });
          if (out.status !== 0) throw new Error(`sqlite3 failed: ${out.stderr}`);
          return out.stdout.trim() ? JSON.parse(out.stdout) : null;
        },
        /** Renders a screen of the kiosk's cache headless (fails when it is not there). */
        snapshot: (screen, lang, out) => run('kiosk', ['--config', kconfig, 'snapshot', '--screen', screen, '--lang', lang, '--size', '540x960', '--out', out]),
      };
    },
    async api(method, path, token, body, contentType = 'application/json') {
      const headers = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = contentType;
      const payload = body === undefined ? undefined
        : contentType === 'application/json' ? JSON.stringify(body) : body;
      return fetch(base + path, { method, headers, body: payload });
    },
    stop() { child.kill('SIGTERM'); },
  };
  return district;
}

/** Debian's chromium, headless, with a fresh profile (`javaScript: false`: as a browser with
 * JavaScript turned off, to prove every form works without console.js). */
export async function launchBrowser({ javaScript = true } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'console-e2e-profile-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
    viewport: { width: 1280, height: 860 },
    javaScriptEnabled: javaScript,
  });
}

export async function login(page, base, name, password) {
  await page.goto(`${base}/console/login`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/console/`), page.click('form.login button')]);
}

/** A UUID version 7, as kiosks give every outbox item. */
export function uuidv7() {
  const b = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Saves a full-page picture when CONSOLE_SCREENSHOTS names a folder (docs, not CI). */
export async function picture(page, name) {
  const dir = process.env.CONSOLE_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
