// A first deploy that declares its Namespace and is rejected by the server-side dry-run: the
// namespace it created is deleted and waited for, so the corrected deploy right after succeeds
// (it used to meet the namespace still Terminating and fail with 403).

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminClients } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, runProcess } from './_cli.ts';

let bin: string;
let info: TestbedInfo;
let clients: Awaited<ReturnType<typeof adminClients>>;
const namespace = `first-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
}, 180_000);

afterAll(async () => {
  await clients.core.deleteNamespace({ name: namespace }).catch(() => {});
  removeTempDirs();
});

const deployment = (extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1${extra}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: registry.local/web:1 }] }
`;

it('a first deploy rejected by the dry-run leaves no namespace behind; the corrected deploy right after succeeds', async () => {
  const cwd = tempDir('kubeship-first-');
  writeFileSync(
    join(cwd, 'kubeship.config.yaml'),
    stringify({
      templates: { files: ['ns.yaml', 'app.yaml'], name: 'web', imageRepository: 'registry.local/web' },
      environments: {
        test: { cluster: { name: info.clusterName, region: info.region }, namespace, timeoutSeconds: 60 },
      },
    }),
  );
  writeFileSync(join(cwd, 'ns.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${namespace} }\n`);
  const deploy = () =>
    runProcess(process.execPath, [bin, 'deploy', '--tag', 'one'], {
      cwd,
      env: cliEnv(info),
      timeoutMs: 110_000,
    });

  writeFileSync(join(cwd, 'app.yaml'), deployment('\n  replicaz: 2'));
  const rejected = await deploy();
  expect(rejected.code, rejected.stderr).toBe(2);
  expect(rejected.stderr).toContain('replicaz');
  const names = (await clients.core.listNamespace()).items.map((ns) => ns.metadata?.name);
  expect(names).not.toContain(namespace);

  writeFileSync(join(cwd, 'app.yaml'), deployment(''));
  const corrected = await deploy();
  expect(corrected.code, `${corrected.stdout}\n${corrected.stderr}`).toBe(0);
  const live = await clients.apps.readNamespacedDeployment({ name: 'web', namespace });
  expect(live.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:one');
}, 240_000);
