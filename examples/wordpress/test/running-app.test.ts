// The WordPress example against its real application: the image's contents (test/_wordpress-app.ts)
// served by PHP against a fresh, empty MariaDB, with the environment of the pod `kubeship render`
// renders for it (the CLI, as the deploy runs it). The probes of that pod, and the smoke test hook
// Job, are replayed as the kubelet runs them (examples/tools/probe-replay.ts): all of them must pass
// before WordPress is installed (the first deploy, when every WordPress page redirects to the
// installer, closed without the key) and after; the installer opens only to the key.
// Then the Helm chart variant: rendered by kubeship (helm template), admitted in a testbed
// namespace that enforces Pod Security `restricted`, its probes and test hook replayed against
// the same WordPress.
// Differences from the cluster, on purpose: WordPress is Debian's package (the version is printed),
// PHP's web server stands in for Apache, and the database connection is plain TCP on loopback
// (WORDPRESS_DB_SSL=false; database.test.ts proves the verified TLS connection).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveManifestTools, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readYamlDocuments } from '../../tools/lint.ts';
import {
  type CommandTarget,
  commandEnv,
  podSpecOf,
  type RenderedObject,
  replayPodProbes,
  runJob,
} from '../../tools/probe-replay.ts';
import { adminKube } from './_kube.ts';
import { type Mariadb, startMariadb } from './_mariadb.ts';
import { run } from './_run.ts';
import { type RunningWordPress, startWordPress, wordpressVersion } from './_wordpress-app.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const cliSource = join(example, '..', '..', 'packages', 'codebuild-runner', 'src', 'bin.ts');
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/wordpress:3f9c2ab';
const INSTALL_KEY = randomBytes(24).toString('base64url');
const DB_PASSWORD = randomBytes(24).toString('base64url');

/** `kubeship render` (the workspace's CLI) in `cwd`, parsed. */
async function kubeshipRender(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<RenderedObject[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wordpress-render-'));
  try {
    const out = join(dir, 'rendered.yaml');
    const result = await run(
      process.execPath,
      ['--conditions=kubeship-source', cliSource, 'render', ...args, '--out', out],
      { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
    );
    if (result.status !== 0) throw new Error(`kubeship render exited ${result.status}: ${result.stderr}`);
    return readYamlDocuments(out) as RenderedObject[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const named = (objects: RenderedObject[], kind: string, name?: string) => {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in ${objects.map((o) => o.kind).join(', ')}`);
  return found;
};

describe('WordPress as the image runs it, probed as the kubelet probes the pods kubeship renders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wordpress-app-'));
  let db: Mariadb;
  let app: RunningWordPress;
  let rendered: RenderedObject[];
  let target: CommandTarget & { ports: Record<number, number> };

  beforeAll(async () => {
    process.stderr.write(
      `[wordpress] WordPress ${wordpressVersion()} (Debian's package) under PHP's web server\n`,
    );
    db = await startMariadb(join(dir, 'db'));
    const setup = await db.root(
      `CREATE DATABASE wordpress; CREATE USER 'wordpress_app'@'%' IDENTIFIED BY '${DB_PASSWORD}';` +
        "GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress_app'@'%';",
    );
    expect(setup.status, setup.stderr).toBe(0);
    rendered = await kubeshipRender(example, ['--env', 'test', '--image', IMAGE], {
      WORDPRESS_CERTIFICATE_ARN:
        'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-000000000001',
      WORDPRESS_INBOUND_CIDRS: '203.0.113.0/24',
      WORDPRESS_SMOKE_TEST: 'true',
    });
    const [container] = podSpecOf(named(rendered, 'Deployment', 'wordpress')).containers;
    if (!container) throw new Error('the Deployment has no container');
    // The values SSM holds (put-parameters.sh), under the Secret keys the rendered pod refers to
    // (each named after its parameter, /wordpress/test/<NAME>).
    const ssm: Record<string, string> = {
      DB_HOST: `127.0.0.1:${db.port}`,
      DB_USER: 'wordpress_app',
      DB_PASSWORD,
      MEMCACHED_ENDPOINT: '',
      INSTALL_KEY,
    };
    const secrets = Object.fromEntries(
      (container.env ?? []).flatMap(({ valueFrom }) => {
        const ref = valueFrom?.secretKeyRef;
        const parameter = ref && Object.keys(ssm).find((name) => ref.key.endsWith(name));
        return ref && parameter ? [[`${ref.name}/${ref.key}`, ssm[parameter] as string]] : [];
      }),
    );
    const podEnv = commandEnv(container, { secrets });
    app = await startWordPress(join(dir, 'app'), {
      ...podEnv,
      WORDPRESS_DB_SSL: 'false',
      // nothing leaves this machine (WordPress asks wordpress.org for translations and updates)
      WORDPRESS_CONFIG_EXTRA: "define('WP_HTTP_BLOCK_EXTERNAL', true);",
    });
    target = {
      ports: { 8080: app.port },
      secrets,
      services: { wordpress: { host: '127.0.0.1', port: app.port } },
      imagePaths: { '/usr/local/share/kubeship/': join(app.rootfs, 'usr/local/share/kubeship/') },
      env: { PATH: process.env.PATH },
    };
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const probesOf = async (object: RenderedObject) => {
    const results = await replayPodProbes(object, target);
    expect(results.length, 'probes rendered').toBeGreaterThan(0);
    return results;
  };
  const expectAllPass = (results: { success: boolean }[], what: string) =>
    expect(
      results.filter((r) => !r.success),
      `${what}: ${JSON.stringify(results, null, 1)}`,
    ).toEqual([]);

  it('passes every probe of the rendered pod, and the smoke test hook, before WordPress is installed', async () => {
    // the first deploy: every WordPress page still redirects to the installer
    const home = await fetch(`${app.origin}/`, { redirect: 'manual' });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toMatch(/\/wp-admin\/install\.php$/);
    const deployment = named(rendered, 'Deployment', 'wordpress');
    const results = await probesOf(deployment);
    expect(results.map((r) => r.kind).sort()).toEqual(['liveness', 'readiness']);
    expectAllPass(results, 'probes before the install');
    const job = named(rendered, 'Job', 'smoke-test');
    // the smoke test finds the Service through the variables the kubelet adds (service links)
    expect(podSpecOf(job)).not.toMatchObject({ enableServiceLinks: false });
    const smoke = await runJob(job, target);
    expect(smoke.success, smoke.output).toBe(true);
    expect(smoke.output).toContain('not installed yet');
  });

  const install = (headers: Record<string, string>, body?: string) =>
    fetch(`${app.origin}/wp-admin/install.php${body === undefined ? '' : '?step=2'}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
    });
  const post = (key: string) =>
    fetch(`${app.origin}/wp-admin/install.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ kubeship_install_key: key }).toString(),
      redirect: 'manual',
    });

  it('keeps the installer closed without the key: no URL key, no wrong key, no forged cookie', async () => {
    for (const response of [
      await install({}),
      await fetch(`${app.origin}/wp-admin/install.php?kubeship_install_key=${INSTALL_KEY}`, {
        redirect: 'manual',
      }),
      await post('a-wrong-key'),
      await install({ 'x-kubeship-install-key': 'a-wrong-key' }),
      await install({ cookie: `kubeship_install=9999999999.${'0'.repeat(64)}` }),
      await install({ cookie: `kubeship_install=${INSTALL_KEY}` }),
    ]) {
      expect(response.status).toBe(403);
      const body = await response.text();
      expect(body).toContain('The installer is closed');
      expect(body).not.toContain(INSTALL_KEY);
    }
  });

  it('opens to the key posted once (an expiring token in the cookie, not the key) and installs WordPress', async () => {
    const opened = await post(INSTALL_KEY);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/wp-admin/install.php');
    const cookie = opened.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^kubeship_install=\d+\.[0-9a-f]{64};/);
    expect(cookie).not.toContain(INSTALL_KEY);
    expect(cookie).toMatch(/secure/i);
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=strict/i);
    expect(cookie).toMatch(/max-age=1800/i);
    const token = cookie.split(';')[0] as string;
    const page = await install({ cookie: token });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Installation');
    // a script sends the key in a header instead
    expect((await install({ 'x-kubeship-install-key': INSTALL_KEY })).status).toBe(200);

    const installed = await install(
      { cookie: token },
      new URLSearchParams({
        weblog_title: 'kubeship',
        user_name: 'admin',
        admin_password: `${DB_PASSWORD}-Aa1!`,
        admin_password2: `${DB_PASSWORD}-Aa1!`,
        admin_email: 'admin@example.com',
        blog_public: '0',
      }).toString(),
    );
    expect(installed.status).toBe(200);
    expect(await installed.text()).toContain('Success!');
  });

  it('passes every probe and the smoke test after the install, and the site serves its pages', async () => {
    expectAllPass(await probesOf(named(rendered, 'Deployment', 'wordpress')), 'probes after the install');
    const smoke = await runJob(named(rendered, 'Job', 'smoke-test'), target);
    expect(smoke.success, smoke.output).toBe(true);
    expect(smoke.output).toContain('/wp-login.php 200');
    expect((await fetch(`${app.origin}/wp-login.php`)).status).toBe(200);
    // the installer of an installed site answers nobody without the key either
    expect((await install({})).status).toBe(403);
  });

  it('fails the readiness probe and the smoke test when the database refuses WordPress’s user', async () => {
    expect(
      (await db.root("ALTER USER 'wordpress_app'@'%' IDENTIFIED BY 'another-password-0123456789';")).status,
    ).toBe(0);
    try {
      const results = await probesOf(named(rendered, 'Deployment', 'wordpress'));
      expect(results.find((r) => r.kind === 'readiness')).toMatchObject({ success: false });
      expect(results.find((r) => r.kind === 'liveness')).toMatchObject({ success: true });
      expect((await runJob(named(rendered, 'Job', 'smoke-test'), target)).success).toBe(false);
    } finally {
      await db.root(`ALTER USER 'wordpress_app'@'%' IDENTIFIED BY '${DB_PASSWORD}';`);
    }
  });

  describe('the Helm chart variant', () => {
    const info: TestbedInfo = inject('testbed');
    const kube = adminKube(info);
    const namespace = `wordpress-chart-${randomBytes(3).toString('hex')}`;
    let chart: RenderedObject[];
    let tools = '';

    beforeAll(async () => {
      tools = resolveManifestTools();
      chart = await kubeshipRender(join(example, 'chart'), ['--env', 'test', '--image', IMAGE], {
        PATH: `${tools}:${process.env.PATH}`,
      });
      await kube.ok('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: namespace,
          // as deploy/namespace.yaml
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      });
    });
    afterAll(async () => {
      await kube.call('DELETE', `/api/v1/namespaces/${namespace}`);
    });

    it('reads the database host and user from SSM, never the master user, and has probes', () => {
      const config = named(chart, 'ConfigMap');
      expect(JSON.stringify(config)).not.toContain('wordpress.example.rds.amazonaws.com');
      const deployment = named(chart, 'Deployment');
      const [container] = podSpecOf(deployment).containers;
      expect(container?.readinessProbe?.httpGet?.path).toBe('/kubeship-health.php');
      expect(container?.livenessProbe).toBeDefined();
    });

    it('is admitted in a namespace that enforces Pod Security restricted: its pods and its test hook', async () => {
      const deployment = named(chart, 'Deployment');
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'wordpress-admission', namespace },
        spec: deployment.spec.template.spec,
      };
      const admitted = await kube.call('POST', `/api/v1/namespaces/${namespace}/pods?dryRun=All`, pod);
      expect(admitted.status, JSON.stringify(admitted.body)).toBe(201);
      const hook = await kube.call('POST', `/api/v1/namespaces/${namespace}/pods?dryRun=All`, {
        ...testPod(),
        metadata: { name: 'wordpress-test-connection', namespace },
      });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    });

    /** The chart's test hook Pod (`helm test`; kubeship leaves it out), from `helm template`. */
    const testPod = (): RenderedObject & { spec: { containers: { image: string }[] } } => {
      const file = join(dir, 'test-connection.yaml');
      const helm = spawnSync(
        join(tools, 'helm'),
        [
          'template',
          'wordpress',
          join(example, 'chart'),
          '--show-only',
          'templates/tests/test-connection.yaml',
          // the chart requires them (setFromSsm gives them in a deploy); the test hook uses none
          '--set',
          'db.host=db.example,db.user=wordpress_app,db.password=unused',
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 },
      );
      expect(helm.status, helm.stderr).toBe(0);
      writeFileSync(file, helm.stdout);
      const [pod] = readYamlDocuments(file) as (RenderedObject & {
        spec: { containers: { image: string }[] };
      })[];
      if (!pod) throw new Error('helm rendered no test hook');
      return pod;
    };

    it('runs its test hook from the WordPress image, not Docker Hub, and it passes', async () => {
      const pod = testPod();
      for (const container of pod.spec.containers) expect(container.image).toMatch(/\.dkr\.ecr\./);
      const result = await runJob(pod, target);
      expect(result.success, result.output).toBe(true);
    });

    it('passes every probe against the same running WordPress', async () => {
      expectAllPass(await probesOf(named(chart, 'Deployment')), 'the chart’s probes');
    });
  });
});
