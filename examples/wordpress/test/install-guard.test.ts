// build/install-guard.php under PHP's built-in web server: a stand-in wp-admin/install.php loads a
// wp-config.php that evaluates the WORDPRESS_CONFIG_EXTRA build/docker-entrypoint.sh produces (as
// the official image's does), then answers "installer". Needs `php` on this machine.
import { type ChildProcess, spawn } from 'node:child_process';
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

  const get = async (origin: string, path: string, cookie?: string) => {
    const response = await fetch(`${origin}${path}`, {
      headers: cookie ? { cookie } : {},
      redirect: 'manual',
    });
    return {
      status: response.status,
      body: await response.text(),
      setCookie: response.headers.get('set-cookie'),
    };
  };

  it('answers 403 without the key, or with a wrong one, and never shows the key', async () => {
    for (const path of [
      '/wp-admin/install.php',
      '/wp-admin/install.php?step=2',
      '/wp-admin/install.php?kubeship_install_key=guess',
    ]) {
      const response = await get(origins.keyed, path);
      expect(response.status, path).toBe(403);
      expect(response.body).toContain('The installer is closed');
      expect(response.body).not.toContain(KEY);
    }
    expect((await get(origins.keyed, '/wp-admin/install.php', 'kubeship_install_key=guess')).status).toBe(
      403,
    );
  });

  it('opens with the key, and sets a secure cookie that carries it through the installer’s form', async () => {
    const first = await get(origins.keyed, `/wp-admin/install.php?kubeship_install_key=${KEY}`);
    expect(first.status).toBe(200);
    expect(first.body).toBe('installer');
    expect(first.setCookie).toContain(`kubeship_install_key=${KEY}`);
    expect(first.setCookie).toMatch(/secure/i);
    expect(first.setCookie).toMatch(/httponly/i);
    expect(first.setCookie).toMatch(/samesite=strict/i);
    const step2 = await get(origins.keyed, '/wp-admin/install.php?step=2', `kubeship_install_key=${KEY}`);
    expect(step2.status).toBe(200);
    expect(step2.body).toBe('installer');
  });

  it('stays closed to everyone when the pod has no key', async () => {
    expect((await get(origins.keyless, '/wp-admin/install.php?kubeship_install_key=')).status).toBe(403);
    expect((await get(origins.keyless, `/wp-admin/install.php?kubeship_install_key=${KEY}`)).status).toBe(
      403,
    );
  });

  it('leaves every other page alone', async () => {
    expect(await get(origins.keyed, '/index.php')).toMatchObject({ status: 200, body: 'home' });
  });
});
