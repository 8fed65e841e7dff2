// build/docker-entrypoint.sh as a script (no Docker engine here): what it hands the official
// entrypoint, against fake ElastiCache and plain memcached endpoints served from this process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './_run.ts';

const entrypoint = fileURLToPath(new URL('../build/docker-entrypoint.sh', import.meta.url));
const PASSWORD = 'pw-3f9a/never+printed';

/** A TCP server answering memcached's `config get cluster` with `reply`. */
async function fakeMemcached(reply: string): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    socket.on('data', (data) => {
      if (data.toString().startsWith('config get cluster')) socket.end(reply);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

describe('build/docker-entrypoint.sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wordpress-entrypoint-'));
  // Stands in for the official docker-entrypoint.sh: records its arguments and environment.
  const upstream = join(dir, 'upstream.sh');
  const servers: Server[] = [];
  let elasticache = 0;
  let plain = 0;

  beforeAll(async () => {
    writeFileSync(upstream, '#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$OUT.args"\nenv -0 > "$OUT.env"\n', {
      mode: 0o755,
    });
    const nodes =
      'wordpress-test.abc123.0001.use1.cache.amazonaws.com|10.40.64.10|11211 ' +
      'wordpress-test.abc123.0002.use1.cache.amazonaws.com|10.40.96.11|11211';
    const config = await fakeMemcached(`CONFIG cluster 0 ${nodes.length + 3}\r\n7\n${nodes}\n\r\nEND\r\n`);
    const memcached = await fakeMemcached('ERROR\r\n');
    servers.push(config.server, memcached.server);
    elasticache = config.port;
    plain = memcached.port;
  });

  afterAll(() => {
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  const start = async (env: Record<string, string>) => {
    const out = join(dir, `run-${++runs}`);
    const result = await run('bash', [entrypoint, 'apache2-foreground'], {
      env: { PATH: process.env.PATH, HOME: dir, OUT: out, WORDPRESS_UPSTREAM_ENTRYPOINT: upstream, ...env },
    });
    const read = (suffix: string) => {
      try {
        return readFileSync(`${out}.${suffix}`, 'utf8');
      } catch {
        return undefined;
      }
    };
    const environment = Object.fromEntries(
      (read('env') ?? '')
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
    return { ...result, args: read('args'), env: environment };
  };
  const database = {
    WORDPRESS_DB_HOST: 'wordpress-test.c1abcdefghij.us-east-1.rds.amazonaws.com',
    WORDPRESS_DB_USER: 'wordpress',
    WORDPRESS_DB_PASSWORD: PASSWORD,
  };

  it('finds the ElastiCache nodes and hands everything to the official entrypoint', async () => {
    const result = await start({ ...database, MEMCACHED_ENDPOINT: `127.0.0.1:${elasticache}` });
    expect(result.status, result.stderr).toBe(0);
    expect(result.args).toBe('apache2-foreground\n');
    expect(result.env.MEMCACHED_SERVERS).toBe(
      'wordpress-test.abc123.0001.use1.cache.amazonaws.com:11211,wordpress-test.abc123.0002.use1.cache.amazonaws.com:11211',
    );
    expect(result.env.WORDPRESS_DB_NAME).toBe('wordpress');
    expect(result.env.WORDPRESS_DB_PASSWORD).toBe(PASSWORD);
    expect(result.env.WORDPRESS_CONFIG_EXTRA).toContain(
      "define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT);",
    );
    expect(result.env.WORDPRESS_CONFIG_EXTRA).toContain(
      "require_once '/usr/local/share/kubeship/install-guard.php';",
    );
    expect(result.env.WORDPRESS_CONFIG_EXTRA).toContain("define('DISALLOW_FILE_MODS', true);");
    expect(result.env.WORDPRESS_CACHE_KEY_SALT).toMatch(/^[0-9a-f]{12}:$/);
    expect(result.stderr).toContain('memcached: auto discovery found');
    expect(result.stderr).toContain('(TLS on, certificate verified)');
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('derives the same keys and salts on every replica, and new ones when the password changes', async () => {
    const names = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY'].flatMap((n) => [
      `WORDPRESS_${n}`,
      `WORDPRESS_${n.replace('KEY', 'SALT')}`,
    ]);
    const salts = (env: Record<string, string>) => names.map((name) => env[name]);
    const one = await start(database);
    const two = await start(database);
    const rotated = await start({ ...database, WORDPRESS_DB_PASSWORD: `${PASSWORD}-rotated` });
    expect(new Set(names).size).toBe(8);
    for (const value of salts(one.env)) expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(salts(one.env)).size).toBe(8);
    expect(salts(two.env)).toEqual(salts(one.env));
    for (const [i, value] of salts(rotated.env).entries()) expect(value).not.toBe(salts(one.env)[i]);
    const own = await start({ ...database, WORDPRESS_AUTH_KEY: 'set-by-the-team' });
    expect(own.env.WORDPRESS_AUTH_KEY).toBe('set-by-the-team');
  });

  it('uses a plain memcached, or an unreachable endpoint, as a single server', async () => {
    const local = await start({ ...database, MEMCACHED_ENDPOINT: `127.0.0.1:${plain}` });
    expect(local.status, local.stderr).toBe(0);
    expect(local.env.MEMCACHED_SERVERS).toBe(`127.0.0.1:${plain}`);
    const refused = await start({ ...database, MEMCACHED_ENDPOINT: '127.0.0.1:1' });
    expect(refused.status, refused.stderr).toBe(0);
    expect(refused.env.MEMCACHED_SERVERS).toBe('127.0.0.1:1');
    expect(refused.stderr).toContain('no auto discovery');
    const none = await start(database);
    expect(none.env.MEMCACHED_SERVERS).toBe('');
    expect(none.stderr).toContain('MEMCACHED_ENDPOINT not set');
  });

  it('keeps the team’s WORDPRESS_CONFIG_EXTRA, and drops TLS only when told to', async () => {
    const result = await start({
      ...database,
      WORDPRESS_DB_SSL: 'false',
      WORDPRESS_CONFIG_EXTRA: "define('WP_POST_REVISIONS', 5);",
    });
    expect(result.env.WORDPRESS_CONFIG_EXTRA?.startsWith("define('WP_POST_REVISIONS', 5);\n")).toBe(true);
    expect(result.env.WORDPRESS_CONFIG_EXTRA).not.toContain('MYSQL_CLIENT_FLAGS');
    expect(result.stderr).toContain('(TLS off)');
  });

  it('reads the password from WORDPRESS_DB_PASSWORD_FILE', async () => {
    const file = join(dir, 'password');
    writeFileSync(file, PASSWORD);
    const { WORDPRESS_DB_PASSWORD: _, ...rest } = database;
    const result = await start({ ...rest, WORDPRESS_DB_PASSWORD_FILE: file });
    expect(result.status, result.stderr).toBe(0);
    expect(result.env.WORDPRESS_DB_PASSWORD).toBe(PASSWORD);
    expect(result.env.WORDPRESS_DB_PASSWORD_FILE).toBeUndefined();
  });

  it('stops before starting WordPress when the database settings are missing, naming them', async () => {
    const result = await start({ WORDPRESS_DB_HOST: database.WORDPRESS_DB_HOST });
    expect(result.status).toBe(64);
    expect(result.args).toBeUndefined();
    expect(result.stderr).toContain('WORDPRESS_DB_USER WORDPRESS_DB_PASSWORD not set');
  });
});
