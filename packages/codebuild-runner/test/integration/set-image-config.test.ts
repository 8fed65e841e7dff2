// `kubeship set-image` after the SSM config changed: the pods' config checksum must describe the
// config in the cluster, so set-image ships the SSM ConfigMap and Secret with the Deployment, and
// the next deploy finds nothing left to roll.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { putParameter, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, runProcess } from './_cli.ts';

type Clients = Awaited<ReturnType<typeof adminClients>>;
const CHECKSUM = 'kubeship.dev/config-checksum';
let bin: string;
let info: TestbedInfo;
let clients: Clients;
let removeNamespace = async () => {};

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
}, 180_000);

afterAll(async () => {
  await removeNamespace().catch(() => {});
  removeTempDirs();
});

async function kubeship(args: readonly string[], cwd: string): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, [bin, ...args], {
    cwd,
    env: cliEnv(info),
    timeoutMs: 110_000,
  });
  if (run.code !== 0)
    throw new Error(`kubeship ${args.join(' ')}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** The Deployment's image and config checksum, and the value its GREETING env var reads from the cluster. */
async function live(namespace: string) {
  const deployment = await clients.apps.readNamespacedDeployment({ name: 'web', namespace });
  const container = deployment.spec?.template.spec?.containers[0];
  const ref = container?.env?.find((e) => e.name === 'GREETING')?.valueFrom?.configMapKeyRef;
  if (!ref?.name) throw new Error('GREETING does not come from a ConfigMap');
  const configMap = await clients.core.readNamespacedConfigMap({ name: ref.name, namespace });
  return {
    image: container?.image,
    checksum: deployment.spec?.template.metadata?.annotations?.[CHECKSUM],
    generation: deployment.metadata?.generation,
    greeting: configMap.data?.[ref.key],
  };
}

it('set-image after an SSM change ships the config its checksum names; the next deploy has nothing to roll', async () => {
  const ns = await testNamespace(clients.kc, 'set-image-config');
  removeNamespace = ns.remove;
  const parameter = `/set-image-${randomBytes(4).toString('hex')}/GREETING`;
  putParameter(info, { name: parameter, value: 'one' });
  const cwd = tempDir('kubeship-set-image-');
  writeFileSync(
    join(cwd, 'kubeship.config.yaml'),
    stringify({
      app: {
        name: 'web',
        image: 'registry.local/web:1',
        ports: [{ name: 'http', containerPort: 8080 }],
        probes: { readiness: false },
        env: { GREETING: { ssm: parameter } },
      },
      environments: {
        test: {
          cluster: { name: info.clusterName, region: info.region },
          namespace: ns.name,
          replicas: 1,
          timeoutSeconds: 60,
        },
      },
    }),
  );

  await kubeship(['deploy', '--tag', 'one'], cwd);
  const first = await live(ns.name);
  expect(first).toMatchObject({ image: 'registry.local/web:one', greeting: 'one' });

  putParameter(info, { name: parameter, value: 'two' });
  await kubeship(['set-image', '--tag', 'two'], cwd);
  const afterSetImage = await live(ns.name);
  expect(afterSetImage).toMatchObject({ image: 'registry.local/web:two', greeting: 'two' });
  expect(afterSetImage.checksum).not.toBe(first.checksum);

  // the same image and config again: the pod template is unchanged, so no new rollout
  await kubeship(['deploy', '--tag', 'two'], cwd);
  const afterDeploy = await live(ns.name);
  expect(afterDeploy).toEqual(afterSetImage);
}, 240_000);
