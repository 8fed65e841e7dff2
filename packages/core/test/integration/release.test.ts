import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { type AppSpec, ssm } from '@kubeship/manifests';
import { aws } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import { prepareRelease } from '../../src/deploy/prepare-release.ts';
import type { DeployEvent } from '../../src/events/deploy-events.ts';

const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

describe('a release with SSM configuration, deployed on the testbed', () => {
  const secret = `pw-${randomBytes(12).toString('hex')}`;
  const base = `/kubeship-it-${randomBytes(3).toString('hex')}/web`;
  const captured: string[] = [];

  beforeAll(async () => {
    const { info } = await adminClients();
    // the AWS SDK finds moto the way a CodeBuild build would find AWS: through its environment
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: info.aws.endpointUrl,
      AWS_ACCESS_KEY_ID: info.aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: info.aws.credentials.secretAccessKey,
      AWS_REGION: info.region,
    });
    const run = (args: string[]) =>
      aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
    const key = run(['kms', 'create-key']) as { KeyMetadata: { KeyId: string } };
    run([
      'ssm',
      'put-parameter',
      '--name',
      `${base}/DB_PASSWORD`,
      '--type',
      'SecureString',
      '--key-id',
      key.KeyMetadata.KeyId,
      '--value',
      secret,
    ]);
    run(['ssm', 'put-parameter', '--name', `${base}/GREETING`, '--type', 'String', '--value', 'hello']);
  });

  it('puts SecureString values in a Secret, rolls pods only when the config changes, and never shows the value', async () => {
    const { info, kc, core } = await adminClients();
    const ns = await testNamespace(kc, 'release');
    try {
      const app: AppSpec = {
        name: 'web',
        image: 'registry.local/web:1',
        ports: [{ name: 'http', containerPort: 8080 }],
        env: { DB_PASSWORD: ssm(`${base}/DB_PASSWORD`), GREETING: ssm(`${base}/GREETING`) },
        probes: { readiness: { http: { path: '/health' } } },
      };
      const deploy = async () => {
        const events: DeployEvent[] = [];
        const release = await prepareRelease({
          source: { app },
          namespace: ns.name,
          ssm: { region: info.region },
        });
        const result = await deployObjects({
          kubeConfig: kc,
          app: 'web',
          objects: release.objects,
          onEvent: (e) => events.push(e),
          timeoutMs: 60_000,
        });
        captured.push(
          JSON.stringify(events),
          JSON.stringify(result),
          inspect(release.parameters),
          inspect(result, { depth: 10 }),
        );
        return { release, result };
      };
      const podNames = async () =>
        (await core.listNamespacedPod({ namespace: ns.name })).items
          .filter((p) => !p.metadata?.deletionTimestamp)
          .map((p) => p.metadata?.name)
          .sort();

      const first = await deploy();
      expect(first.result.outcome).toBe('deployed');
      const stored = await core.readNamespacedSecret({ name: 'web-secrets', namespace: ns.name });
      expect(Object.values(stored.data ?? {}).map((v) => Buffer.from(v, 'base64').toString())).toContain(
        secret,
      );
      const configMap = await core.readNamespacedConfigMap({ name: 'web-config', namespace: ns.name });
      expect(Object.values(configMap.data ?? {})).toContain('hello');

      const pods = await podNames();
      const same = await deploy();
      expect(same.release.configChecksum).toBe(first.release.configChecksum);
      expect(same.result.changes.every((c) => c.action === 'unchanged')).toBe(true);
      expect(await podNames()).toEqual(pods);

      aws(
        [
          'ssm',
          'put-parameter',
          '--name',
          `${base}/GREETING`,
          '--type',
          'String',
          '--value',
          'bonjour',
          '--overwrite',
          '--region',
          info.region,
        ],
        info.aws.credentials,
        info.aws.endpointUrl,
      );
      const changed = await deploy();
      expect(changed.release.configChecksum).not.toBe(first.release.configChecksum);
      expect(changed.result).toMatchObject({
        outcome: 'deployed',
        deployments: [{ revisionBefore: 1, revisionAfter: 2 }],
      });
      const rolled = await podNames();
      expect(rolled.some((name) => pods.includes(name))).toBe(false);
    } finally {
      await ns.remove();
    }
    const everything = captured.join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('reports every missing parameter at once, before anything is created', async () => {
    const { info, kc, apps } = await adminClients();
    const ns = await testNamespace(kc, 'missing');
    try {
      const app: AppSpec = {
        name: 'web',
        image: 'registry.local/web:1',
        env: { A: ssm(`${base}/NOPE_A`), B: ssm(`${base}/NOPE_B`) },
        probes: { readiness: false },
      };
      const failure = await prepareRelease({
        source: { app },
        namespace: ns.name,
        ssm: { region: info.region },
      }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'SSM_PARAMETERS_MISSING' });
      expect((failure as Error).message).toContain(`${base}/NOPE_A`);
      expect((failure as Error).message).toContain(`${base}/NOPE_B`);
      expect((await apps.listNamespacedDeployment({ namespace: ns.name })).items).toEqual([]);
    } finally {
      await ns.remove();
    }
  });

  it('rejects a misspelled field at the dry-run instead of dropping it', async () => {
    const { kc } = await adminClients();
    const ns = await testNamespace(kc, 'typo');
    try {
      const objects = [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'settings', namespace: ns.name },
          data: { A: '1' },
          dataa: { B: '2' },
        },
      ];
      await expect(deployObjects({ kubeConfig: kc, app: 'web', objects })).rejects.toMatchObject({
        code: 'DRY_RUN_REJECTED',
        message: expect.stringContaining('dataa'),
      });
    } finally {
      await ns.remove();
    }
  });
});
