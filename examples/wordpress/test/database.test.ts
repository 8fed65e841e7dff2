// WordPress's own database user and verified TLS, against a real MariaDB that requires TLS, with
// a certificate authority made here standing in for the RDS CA bundle:
//   - scripts/db-user.sh (as the deploy buildspec runs it) creates the user as the master user,
//     whose password it reads from a Secrets Manager secret in moto, and changes the password only
//     when SSM has a new one; it refuses a server whose certificate or host name does not verify;
//   - PHP connects as wpdb does with what build/docker-entrypoint.sh configures, and the
//     certificate is verified: against the right CA it connects, against another it refuses
//     (where MYSQLI_CLIENT_SSL alone, the old setting, connects to anyone).
// Needs mariadbd, mariadb-install-db and the mariadb client, php with mysqli, and openssl on this
// machine (Debian: apt-get install mariadb-server mariadb-client php-cli php-mysql openssl).
// Where they are missing the tests fail and say so: a skipped check proves nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { motoCli, motoEnv } from './_aws.ts';
import { type Mariadb, missingCommands, SERVER_PATH, startMariadb } from './_mariadb.ts';
import { run } from './_run.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const dbUser = join(example, 'scripts', 'db-user.sh');
const entrypoint = join(example, 'build', 'docker-entrypoint.sh');
const guard = join(example, 'build', 'install-guard.php');
const connectCheck = join(example, 'test', 'fixtures', 'db-connect-check.php');

const PATH = SERVER_PATH;
const missing = [
  ...missingCommands(['mariadbd', 'mariadb-install-db', 'mariadb', 'openssl', 'php']),
  ...(!/^mysqli$/m.test(spawnSync('php', ['-m'], { encoding: 'utf8' }).stdout ?? '') ? ['php mysqli'] : []),
];

describe('the WordPress database user and verified TLS (MariaDB on this machine)', () => {
  const info: TestbedInfo = inject('testbed');
  const dir = mkdtempSync(join(tmpdir(), 'wordpress-db-'));
  const at = (name: string) => join(dir, name);
  const suffix = randomBytes(3).toString('hex');
  const prefix = `/wordpress-db-${suffix}/test`;
  const secretName = `rds!db-${suffix}`;
  // RDS-managed master passwords may hold # \ and other punctuation: the option file must quote them.
  const masterPassword = `M#a\\s"t;er-${randomBytes(9).toString('base64url')}`;
  const passwords = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
  let server: Mariadb | undefined;
  let port = 0;
  let env: NodeJS.ProcessEnv = {};
  let keyId = '';
  const awsJson = motoCli(info);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const root = (sql: string) => {
    if (!server) throw new Error('MariaDB is not running');
    return server.root(sql);
  };
  const putParameter = (name: string, value: string, secure = false) =>
    awsJson([
      'ssm',
      'put-parameter',
      '--name',
      `${prefix}/${name}`,
      '--value',
      value,
      '--overwrite',
      ...(secure ? ['--type', 'SecureString', '--key-id', keyId] : ['--type', 'String']),
    ]);

  /** A server certificate for `san`, signed by the test CA, that MariaDB serves after FLUSH SSL. */
  const serverCertificate = async (san: string) => {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=db',
    );
    writeFileSync(at('ext.cnf'), `subjectAltName=${san}\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    );
    if (server) expect((await root('FLUSH SSL;')).status).toBe(0);
  };

  beforeAll(async () => {
    if (missing.length > 0) {
      throw new Error(
        `missing on this machine: ${missing.join(', ')} (Debian: apt-get install mariadb-server mariadb-client php-cli php-mysql openssl)`,
      );
    }
    // the "RDS" CA, another CA nobody trusts, and a server certificate for 127.0.0.1
    for (const [name, subject] of [
      ['ca', '/CN=Test RDS Root CA'],
      ['other', '/CN=Some Other CA'],
    ]) {
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        '2',
        '-subj',
        subject as string,
      );
    }
    await serverCertificate('IP:127.0.0.1');
    server = await startMariadb(dir, [
      `--ssl-ca=${at('ca.pem')}`,
      `--ssl-cert=${at('server.pem')}`,
      `--ssl-key=${at('server.key')}`,
      // as the RDS parameter group of cfn/data.yaml
      '--require-secure-transport=ON',
    ]);
    port = server.port;
    // the master user RDS creates (MasterUsername in cfn/data.yaml), and the WordPress database
    const setup = await root(
      `CREATE USER 'wordpress'@'%' IDENTIFIED BY '${masterPassword.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}';` +
        "GRANT ALL PRIVILEGES ON *.* TO 'wordpress'@'%' WITH GRANT OPTION; CREATE DATABASE wordpress;",
    );
    expect(setup.status, setup.stderr).toBe(0);

    env = motoEnv(info);
    awsJson([
      'secretsmanager',
      'create-secret',
      '--name',
      secretName,
      '--secret-string',
      JSON.stringify({ username: 'wordpress', password: masterPassword }),
    ]);
    keyId = (
      awsJson(['kms', 'create-key', '--description', `wordpress db ${suffix}`]) as {
        KeyMetadata: { KeyId: string };
      }
    ).KeyMetadata.KeyId;
    putParameter('DB_HOST', `127.0.0.1:${port}`);
    putParameter('DB_USER', 'wordpress_app');
    putParameter('DB_PASSWORD', passwords[0] as string, true);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (missing.length === 0) {
      awsJson([
        'secretsmanager',
        'delete-secret',
        '--secret-id',
        secretName,
        '--force-delete-without-recovery',
      ]);
      awsJson([
        'ssm',
        'delete-parameters',
        '--names',
        ...['DB_HOST', 'DB_USER', 'DB_PASSWORD'].map((n) => `${prefix}/${n}`),
      ]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const dbUserRun = async (caBundle = at('ca.pem')) => {
    const secretArn = (
      awsJson(['secretsmanager', 'describe-secret', '--secret-id', secretName]) as { ARN: string }
    ).ARN;
    const result = await run(
      'bash',
      [dbUser, 'test', '--prefix', prefix, '--secret-arn', secretArn, '--ca-bundle', caBundle],
      {
        env,
      },
    );
    const output = `${result.stdout}${result.stderr}`;
    for (const secret of [masterPassword, ...passwords]) expect(output).not.toContain(secret);
    return { ...result, output };
  };
  /** Logs in as WordPress's user with the mariadb client, TLS verified against the test CA. */
  const appLogin = (password: string) =>
    run(
      'mariadb',
      [
        '--no-defaults',
        '-h127.0.0.1',
        `-P${port}`,
        '-uwordpress_app',
        `--ssl-ca=${at('ca.pem')}`,
        '--ssl-verify-server-cert',
        '--batch',
        '--skip-column-names',
        '-e',
        "SHOW STATUS LIKE 'Ssl_version'; SHOW GRANTS;",
        'wordpress',
      ],
      { env: { PATH, MYSQL_PWD: password } },
    );
  /** PHP, connecting as wpdb does with the entrypoint's settings; `ca` stands in for the image's trust store. */
  const wordpressConnects = async (ca: string, password = passwords[1] as string) => {
    const out = at('entrypoint');
    writeFileSync(`${out}.sh`, `#!/usr/bin/env bash\nexec php -d openssl.cafile=${ca} ${connectCheck}\n`, {
      mode: 0o755,
    });
    return run('bash', [entrypoint, 'apache2-foreground'], {
      env: {
        PATH,
        HOME: dir,
        WORDPRESS_UPSTREAM_ENTRYPOINT: `${out}.sh`,
        KUBESHIP_INSTALL_GUARD: guard,
        WORDPRESS_DB_HOST: `127.0.0.1:${port}`,
        WORDPRESS_DB_USER: 'wordpress_app',
        WORDPRESS_DB_PASSWORD: password,
      },
    });
  };

  it('creates WordPress’s user as the master user, with rights on the wordpress database only, TLS required', async () => {
    const result = await dbUserRun();
    expect(result.status, result.output).toBe(0);
    expect(result.stderr).toContain("reading the master user's credentials");
    expect(result.stderr).toContain('created wordpress_app');
    const login = await appLogin(passwords[0] as string);
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/^Ssl_version\tTLSv1\.[23]$/m);
    const grants = login.stdout.split('\n').filter((line) => line.startsWith('GRANT'));
    expect(grants.join('\n')).toContain('ON `wordpress`.*');
    expect(grants.some((g) => g.includes('ON *.*') && !g.startsWith('GRANT USAGE'))).toBe(false);
    const requireSsl = await root("SELECT ssl_type FROM mysql.user WHERE user = 'wordpress_app';");
    expect(requireSsl.stdout.trim()).toBe('ANY');
  });

  it('changes nothing, and does not read the master secret, while the password in SSM works', async () => {
    const result = await dbUserRun();
    expect(result.status, result.output).toBe(0);
    expect(result.stderr).toContain('unchanged: wordpress_app can log in');
    expect(result.stderr).not.toContain('master');
  });

  it('sets a rotated password from SSM (put-parameters.sh --rotate-password), after which only it works', async () => {
    putParameter('DB_PASSWORD', passwords[1] as string, true);
    const result = await dbUserRun();
    expect(result.status, result.output).toBe(0);
    expect(result.stderr).toContain('changed the password of wordpress_app');
    expect((await appLogin(passwords[1] as string)).status).toBe(0);
    // MariaDB has no dual passwords; on RDS MySQL the script adds RETAIN CURRENT PASSWORD
    expect((await appLogin(passwords[0] as string)).status).not.toBe(0);
  });

  it('refuses a server whose certificate is not from the CA bundle, changing nothing', async () => {
    copyFileSync(at('other.pem'), at('wrong-bundle.pem'));
    const result = await dbUserRun(at('wrong-bundle.pem'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+ as wordpress_app: .*(SSL|TLS)/);
  });

  it('WordPress connects with the certificate verified, and refuses another CA (MYSQLI_CLIENT_SSL alone would not)', async () => {
    const good = await wordpressConnects(at('ca.pem'));
    expect(good.stdout.trim(), good.stderr).toMatch(/^connected TLSv1\.[23]$/);
    expect(good.stderr).toContain('(TLS on, certificate verified)');
    const other = await wordpressConnects(at('other.pem'));
    expect(other.status).not.toBe(0);
    expect(other.stdout).toContain('failed:');
    // the old setting, for contrast: TLS without verification connects whatever the certificate
    const unverified = await run('php', ['-d', `openssl.cafile=${at('other.pem')}`, connectCheck], {
      env: {
        PATH,
        WORDPRESS_CONFIG_EXTRA: "define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL);",
        WORDPRESS_DB_HOST: `127.0.0.1:${port}`,
        WORDPRESS_DB_USER: 'wordpress_app',
        WORDPRESS_DB_PASSWORD: passwords[1] as string,
        WORDPRESS_DB_NAME: 'wordpress',
      },
    });
    expect(unverified.stdout.trim()).toMatch(/^connected TLS/);
  });

  it('refuses a certificate for another host name, in db-user.sh and in WordPress', async () => {
    await serverCertificate('DNS:wordpress-test.c1abcdefghij.eu-west-1.rds.amazonaws.com');
    try {
      const script = await dbUserRun();
      expect(script.status).toBe(1);
      expect(script.stderr).toContain('cannot connect to 127.0.0.1');
      const php = await wordpressConnects(at('ca.pem'));
      expect(php.stdout).toContain('failed:');
    } finally {
      await serverCertificate('IP:127.0.0.1');
    }
  });
});
