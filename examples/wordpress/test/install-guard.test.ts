// build/install-guard.php under PHP's built-in web server: a stand-in wp-admin/install.php loads a
// wp-config.php that evaluates the WORDPRESS_CONFIG_EXTRA build/docker-entrypoint.sh produces (as
// the official image's does), then answers "installer". Needs `php` on this machine.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, run } from './_run.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'k3y-for-the-installer-only-0123456789abcdef';

describe('build/install-guard.php: the installer opens only with the install key', () => {
  const root = mkdtempSync(join(tmpdir(), 'wordpress-guard-'));
  const servers: ChildProcess[] = [];
  const origins: Record<'keyed' | 'keyless', string> = { keyed: '', keyless: '' };

  /** The WORDPRESS_CONFIG_EXTRA the entrypoint hands the official image. */
  const configExtra = async () => {
    const out = join(root, 'extra');
    writeFileSync(`${out}.sh`, `#!/usr/bin/env bash\nprintf '%s' "$WORDPRESS_CONFIG_EXTRA" > ${out}.php\n`, {
      mode: 0o755,
    });
    const result = await run('bash', [join(example, 'build', 'docker-entrypoint.sh'), 'apache2-foreground'], {
      env: {
        PATH: process.env.PATH,
        WORDPRESS_UPSTREAM_ENTRYPOINT: `${out}.sh`,
        KUBESHIP_INSTALL_GUARD: join(example, 'build', 'install-guard.php'),
        WORDPRESS_DB_HOST: 'db.example',
        WORDPRESS_DB_USER: 'wordpress_app',
        WORDPRESS_DB_PASSWORD: 'pw',
      },
    });
    expect(result.status, result.stderr).toBe(0);
    return readFileSync(`${out}.php`, 'utf8');
  };

  beforeAll(async () => {
    mkdirSync(join(root, 'wp-admin'));
    writeFileSync(join(root, 'extra.inc.php'), `<?php\n${await configExtra()}`);
    const config = `<?php require __DIR__ . '/extra.inc.php';\n`;
    writeFileSync(join(root, 'wp-config.php'), config);
    writeFileSync(
      join(root, 'wp-admin', 'install.php'),
      "<?php require dirname(__DIR__) . '/wp-config.php'; echo 'installer';\n",
    );
    writeFileSync(join(root, 'index.php'), "<?php require __DIR__ . '/wp-config.php'; echo 'home';\n");
    for (const kind of ['keyed', 'keyless'] as const) {
      const port = await freePort();
      const server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root], {
        env: { PATH: process.env.PATH, ...(kind === 'keyed' ? { WORDPRESS_INSTALL_KEY: KEY } : {}) },
        stdio: 'ignore',
      });
      servers.push(server);
      origins[kind] = `http://127.0.0.1:${port}`;
    }
    for (const origin of Object.values(origins)) {
      for (let i = 0; i < 50; i++) {
        if (
          await fetch(`${origin}/index.php`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  afterAll(() => {
    for (const server of servers) server.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  const request = async (
    origin: string,
    path: string,
    init: { headers?: Record<string, string>; key?: string } = {},
  ) => {
    const response = await fetch(`${origin}${path}`, {
      redirect: 'manual',
      headers: {
        ...init.headers,
        ...(init.key === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(init.key === undefined
        ? {}
        : { method: 'POST', body: new URLSearchParams({ kubeship_install_key: init.key }).toString() }),
    });
    return {
      status: response.status,
      body: await response.text(),
      setCookie: response.headers.get('set-cookie'),
      location: response.headers.get('location'),
    };
  };
  /** The cookie the guard sets: `<expiry>.<HMAC-SHA256 of it under the key>`. */
  const token = (expires: number, key = KEY) =>
    `kubeship_install=${expires}.${createHmac('sha256', key).update(`kubeship-install|${expires}`).digest('hex')}`;
  const now = () => Math.floor(Date.now() / 1000);

  it('answers 403 with a form (posting, not a URL) without the key or with a wrong one, and never shows the key', async () => {
    for (const [path, init] of [
      ['/wp-admin/install.php', {}],
      ['/wp-admin/install.php?step=2', {}],
      // a key in the URL is not accepted: it would sit in access logs and browser history
      [`/wp-admin/install.php?kubeship_install_key=${KEY}`, {}],
      ['/wp-admin/install.php', { key: 'guess' }],
      ['/wp-admin/install.php', { headers: { 'x-kubeship-install-key': 'guess' } }],
    ] as const) {
      const response = await request(origins.keyed, path, init);
      expect(response.status, path).toBe(403);
      expect(response.body).toContain('The installer is closed');
      expect(response.body).toContain('<form method="post" action="/wp-admin/install.php">');
      expect(response.body).not.toContain(KEY);
      expect(response.setCookie).toBeNull();
    }
  });

  it('opens to the posted key with a secure, expiring token that is not the key', async () => {
    const opened = await request(origins.keyed, '/wp-admin/install.php', { key: KEY });
    expect(opened.status).toBe(303);
    expect(opened.location).toBe('/wp-admin/install.php');
    expect(opened.setCookie).toMatch(/^kubeship_install=\d+\.[0-9a-f]{64};/);
    expect(opened.setCookie).not.toContain(KEY);
    for (const flag of [/secure/i, /httponly/i, /samesite=strict/i, /path=\/wp-admin\//i, /max-age=1800/i])
      expect(opened.setCookie).toMatch(flag);
    const cookie = (opened.setCookie ?? '').split(';')[0] as string;
    expect(
      await request(origins.keyed, '/wp-admin/install.php?step=2', { headers: { cookie } }),
    ).toMatchObject({
      status: 200,
      body: 'installer',
    });
  });

  it('takes a token only while it is unexpired and signed with the key', async () => {
    const open = (cookie: string) => request(origins.keyed, '/wp-admin/install.php', { headers: { cookie } });
    expect((await open(token(now() + 600))).status).toBe(200);
    expect((await open(token(now() - 1))).status).toBe(403);
    expect((await open(token(now() + 600, 'another-key'))).status).toBe(403);
    expect((await open(`kubeship_install=${KEY}`)).status).toBe(403);
  });

  it('opens to a script that sends the key in X-Kubeship-Install-Key', async () => {
    const response = await request(origins.keyed, '/wp-admin/install.php', {
      headers: { 'x-kubeship-install-key': KEY },
    });
    expect(response).toMatchObject({ status: 200, body: 'installer' });
  });

  it('stays closed to everyone when the pod has no key', async () => {
    for (const init of [
      { key: '' },
      { key: KEY },
      { headers: { 'x-kubeship-install-key': KEY } },
      { headers: { cookie: token(now() + 600, '') } },
    ]) {
      expect((await request(origins.keyless, '/wp-admin/install.php', init)).status).toBe(403);
    }
  });

  it('leaves every other page alone', async () => {
    expect(await request(origins.keyed, '/index.php')).toMatchObject({ status: 200, body: 'home' });
  });
});
