// build/object-cache.php, the memcached object cache drop-in, run by PHP against a real memcached
// (test/fixtures/object-cache-check.php). Needs `php` with the memcached extension and the
// `memcached` server on PATH (Debian: apt-get install php-cli php-memcached memcached); `./dev`
// installs them. Where they are missing the tests fail and say so: a skipped check proves nothing.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, run } from './_run.ts';

const dropIn = fileURLToPath(new URL('../build/object-cache.php', import.meta.url));
const check = fileURLToPath(new URL('fixtures/object-cache-check.php', import.meta.url));
const has = (command: string, args: string[], output?: RegExp) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 && (output === undefined || output.test(result.stdout));
};
const available = has('php', ['-m'], /^memcached$/m) && has('memcached', ['-h']);

describe('build/object-cache.php (php + memcached on this machine)', () => {
  beforeAll(() => {
    if (!available) {
      throw new Error(
        'php with the memcached extension, and memcached, are needed: run ./dev setup (it installs them)',
      );
    }
  });

  let port = 0;
  let server: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    port = await freePort();
    // memcached refuses to run as root unless told which user to become
    const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    server = spawn('memcached', [...user, '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16'], {
      stdio: 'ignore',
    });
    // ready once it accepts a connection
    for (let attempt = 0; attempt < 50; attempt++) {
      const probe = await run('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
      if (probe.status === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('memcached did not start');
  });

  afterAll(() => {
    server?.kill();
  });

  it('stores, adds, counts, replaces and flushes in memcached across requests', async () => {
    const result = await run('php', [check, dropIn, 'memcached'], {
      env: { ...process.env, MEMCACHED_SERVERS: `127.0.0.1:${port}` },
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toContain('FAIL');
    expect(result.stdout).toContain('ok   memcached keeps values across requests');
  });

  it('works as a per-request cache when there are no servers', async () => {
    const result = await run('php', [check, dropIn, 'request'], {
      env: { ...process.env, MEMCACHED_SERVERS: '' },
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toContain('FAIL');
  });
});
