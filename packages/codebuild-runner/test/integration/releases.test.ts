// Releases through the built `kubeship` binary on the testbed: `diff` between two recorded
// releases (Secret values never shown), `diff` showing exactly what a deploy applies,
// `deploy --no-prune`, and `rollback` under the deploy lease, the rollout rules and the alarm gate.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { acquireDeployLease, systemClock } from '@kubeship/core';
import { aws, putLoadBalancerAlarm, putParameter, setAlarmState, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, runProcess } from './_cli.ts';

let bin: string;
let info: TestbedInfo;
let clients: Awaited<ReturnType<typeof adminClients>>;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
}, 180_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

function kubeship(
  args: readonly string[],
  cwd: string,
  onOutput?: (text: string) => void,
): Promise<ProcessRun> {
  return runProcess(process.execPath, [bin, ...args], {
    cwd,
    env: cliEnv(info),
    timeoutMs: 110_000,
    ...(onOutput
      ? {
          onSpawn: (child) => {
            child.stdout?.on('data', (chunk: Buffer | string) => onOutput(String(chunk)));
          },
        }
      : {}),
  });
}

function expectExit(run: ProcessRun, code: number): void {
  if (run.code !== code)
    throw new Error(
      `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
    },
  },
};
const extra = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' }, data: { MODE: 'a' } };

/** A templates project in a fresh namespace; `write` replaces its objects. */
async function project(prefix: string, ssmPath?: string, environment: Record<string, unknown> = {}) {
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  const cwd = tempDir('kubeship-releases-');
  const write = (objects: readonly object[]) =>
    writeFileSync(join(cwd, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  writeFileSync(
    join(cwd, 'kubeship.config.yaml'),
    stringify({
      templates: { files: ['app.yaml'], name: 'web', imageRepository: 'registry.local/web' },
      environments: {
        test: {
          cluster: { name: info.clusterName, region: info.region },
          namespace: ns.name,
          timeoutSeconds: 60,
          ...(ssmPath ? { ssm: { paths: [ssmPath] } } : {}),
          ...environment,
        },
      },
    }),
  );
  return { ns: ns.name, cwd, write };
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  // a number no container declares: Kubernetes accepts it, and so does kubeship
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
};

/** Every object of the kinds a release touches in `namespace`, by kind and name, with its resourceVersion. */
async function resourceVersions(namespace: string): Promise<Record<string, string>> {
  const lists = await Promise.all([
    clients.apps.listNamespacedDeployment({ namespace }),
    clients.core.listNamespacedService({ namespace }),
    clients.core.listNamespacedConfigMap({ namespace }),
    clients.core.listNamespacedSecret({ namespace }),
  ]);
  return Object.fromEntries(
    lists.flatMap((list, i) =>
      list.items.map((o) => [
        `${['Deployment', 'Service', 'ConfigMap', 'Secret'][i]} ${o.metadata?.name}`,
        o.metadata?.resourceVersion ?? '',
      ]),
    ),
  );
}

describe.concurrent('releases (built binary, testbed)', () => {
  it('never deletes what the user kept: an empty template file (with SSM config) and a release without workloads are refused, nothing changed; --allow-mass-prune allows the latter', async () => {
    const path = `/prune-safety-${randomBytes(4).toString('hex')}`;
    putParameter(info, { name: `${path}/GREETING`, value: 'hello' });
    const p = await project('rel-empty', path);
    p.write([deployment, service]);
    expectExit(await kubeship(['deploy'], p.cwd), 0);
    const before = await resourceVersions(p.ns);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['Deployment web', 'Service web', 'ConfigMap web-config']),
    );

    writeFileSync(join(p.cwd, 'app.yaml'), '');
    const empty = await kubeship(['deploy'], p.cwd);
    expectExit(empty, 2);
    expect(empty.stdout + empty.stderr).toContain(`${join(p.cwd, 'app.yaml')}: no Kubernetes objects`);
    expect(empty.stdout + empty.stderr).not.toMatch(/DEPLOYED|prune once healthy/);
    expect(await resourceVersions(p.ns)).toEqual(before);

    // a source that still renders something, but none of the app's workloads
    p.write([extra]);
    const massPrune = await kubeship(['deploy', '--output', 'json'], p.cwd);
    expectExit(massPrune, 2);
    expect(JSON.parse(massPrune.stdout)).toMatchObject({ code: 'PRUNE_REFUSED', exitCode: 2 });
    expect(massPrune.stdout).toMatch(
      /every workload of web \(Deployment .*\/web\).*--allow-mass-prune.*allowMassPrune: true/s,
    );
    expect(await resourceVersions(p.ns)).toEqual(before);

    expectExit(await kubeship(['deploy', '--allow-mass-prune'], p.cwd), 0);
    await expect(
      clients.apps.readNamespacedDeployment({ name: 'web', namespace: p.ns }),
    ).rejects.toMatchObject({
      code: 404,
    });
  });

  it('diff --from-revision compares two recorded releases (Secret values never shown); --no-prune keeps what a release dropped', async () => {
    const path = `/releases-${randomBytes(4).toString('hex')}`;
    const secrets = [`first-${randomBytes(8).toString('hex')}`, `second-${randomBytes(8).toString('hex')}`];
    const key = aws(
      ['kms', 'create-key', '--region', info.region],
      info.aws.credentials,
      info.aws.endpointUrl,
    ) as {
      KeyMetadata: { KeyId: string };
    };
    putParameter(info, {
      name: `${path}/DB_PASSWORD`,
      value: secrets[0] as string,
      keyId: key.KeyMetadata.KeyId,
    });
    const p = await project('rel-diff', path);
    p.write([deployment, extra]);
    expectExit(await kubeship(['deploy', '--tag', '1'], p.cwd), 0);

    // release 2: a new image and password, the ConfigMap dropped but kept (--no-prune)
    putParameter(info, {
      name: `${path}/DB_PASSWORD`,
      value: secrets[1] as string,
      keyId: key.KeyMetadata.KeyId,
    });
    p.write([deployment]);
    const kept = await kubeship(['deploy', '--tag', '2', '--no-prune'], p.cwd);
    expectExit(kept, 0);
    expect(kept.stdout).toContain(
      `--no-prune: keeping what the release no longer has: ConfigMap ${p.ns}/extra`,
    );
    expect(kept.stdout).not.toMatch(/prune once healthy/);
    await expect(
      clients.core.readNamespacedConfigMap({ name: 'extra', namespace: p.ns }),
    ).resolves.toBeDefined();

    const human = await kubeship(['diff', '--from-revision', '1', '--to-revision', '2'], p.cwd);
    expectExit(human, 0);
    expect(human.stdout).toContain(`test: web in ${p.ns}, release 1 -> release 2`);
    expect(human.stdout).toMatch(new RegExp(`^~ Deployment ${p.ns}/web$`, 'm'));
    expect(human.stdout).toContain(
      'spec.template.spec.containers[web].image: "registry.local/web:1" -> "registry.local/web:2"',
    );
    // kept by --no-prune, it is still a member of release 2's inventory: in the cluster, unchanged
    expect(human.stdout).toMatch(new RegExp(`^= ConfigMap ${p.ns}/extra \\(unchanged\\)$`, 'm'));
    expect(human.stdout).toMatch(/^~ Secret .*\n {4}data\.DB_PASSWORD: "\[redacted\]" -> "\[redacted\]"$/m);
    expect(human.stdout).toMatch(/^\d+ of \d+ objects differ$/m);

    // the later release defaults to the latest one
    const json = await kubeship(['diff', '--from-revision', '1', '--output', 'json'], p.cwd);
    expectExit(json, 0);
    const document = JSON.parse(json.stdout) as {
      from: number;
      to: number;
      objects: Array<{ id: string; action: string }>;
    };
    expect(document).toMatchObject({ from: 1, to: 2 });
    expect(document.objects).toContainEqual(
      expect.objectContaining({ id: `ConfigMap ${p.ns}/extra`, action: 'unchanged' }),
    );

    for (const run of [kept, human, json])
      for (const secret of secrets) {
        expect(run.stdout + run.stderr).not.toContain(secret);
        expect(run.stdout + run.stderr).not.toContain(Buffer.from(secret).toString('base64'));
      }

    // a revision that is not recorded: exit 2, naming it and the ones that exist
    const missing = await kubeship(['diff', '--from-revision', '1', '--to-revision', '9'], p.cwd);
    expectExit(missing, 2);
    expect(missing.stderr).toContain(
      `--to-revision 9: web in ${p.ns} has no release 9 (releases: 1 (deployed), 2 (deployed))`,
    );
    const alone = await kubeship(['diff', '--to-revision', '2'], p.cwd);
    expectExit(alone, 2);
    expect(alone.stderr).toContain('--to-revision needs --from-revision');
    const both = await kubeship(['diff', '--from-revision', '1', '--tag', '3'], p.cwd);
    expectExit(both, 2);
    expect(both.stderr).toContain('--from-revision');

    // the next deploy without --no-prune prunes what release 2 kept
    expectExit(await kubeship(['deploy', '--tag', '3'], p.cwd), 0);
    await expect(
      clients.core.readNamespacedConfigMap({ name: 'extra', namespace: p.ns }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('diff shows exactly what a deploy of the same input applies: replicas left to a live HPA, the change cause; nothing once deployed', async () => {
    const p = await project('rel-diff-drift');
    p.write([deployment]);
    expectExit(await kubeship(['deploy', '--tag', '1'], p.cwd), 0);
    // an HPA scales the Deployment from now on: a deploy leaves spec.replicas to it
    await clients.kc.makeApiClient(k8s.AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace: p.ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 3,
        },
      },
    });
    p.write([{ ...deployment, spec: { ...deployment.spec, replicas: 3 } }]);
    type Changes = { changes: Array<{ id: string; action: string; changes: Array<{ path: string }> }> };
    const diff = async (tag: string) => {
      const run = await kubeship(['diff', '--tag', tag, '--output', 'json'], p.cwd);
      expectExit(run, 0);
      const web = (JSON.parse(run.stdout) as Changes).changes.find((c) => c.id === `Deployment ${p.ns}/web`);
      return { action: web?.action, paths: web?.changes.map((c) => c.path) ?? [] };
    };
    // the same image: the deploy would change nothing (the template's replicas go to the HPA)
    expect(await diff('1')).toEqual({ action: 'unchanged', paths: [] });
    // a new image: its change cause changes with it
    const next = await diff('2');
    expect(next.action).toBe('update');
    expect(next.paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/containers\[web\]\.image$/),
        expect.stringMatching(/kubernetes\.io\/change-cause/),
      ]),
    );
    expect(next.paths.filter((path) => path.includes('replicas'))).toEqual([]);
    // once deployed, the diff of the same input is empty: it shows what the deploy applied
    expectExit(await kubeship(['deploy', '--tag', '2'], p.cwd), 0);
    const after = await kubeship(['diff', '--tag', '2'], p.cwd);
    expectExit(after, 0);
    expect(after.stdout).toMatch(/^0 of 1 objects would change$/m);
  });

  it('diff previews everything a deploy would do: the prune of a dropped object, a field-manager conflict with its manager and --force', async () => {
    const p = await project('rel-diff-prune');
    p.write([deployment, service, extra]);
    expectExit(await kubeship(['deploy', '--tag', '1'], p.cwd), 0);
    // the Service is dropped from the templates, and another tool takes over a field of the ConfigMap
    p.write([deployment, { ...extra, data: { MODE: 'b' } }]);
    await k8s.KubernetesObjectApi.makeApiClient(clients.kc).patch(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'extra', namespace: p.ns },
        data: { MODE: 'c' },
      },
      undefined,
      undefined,
      'oncall-tool',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    const before = await resourceVersions(p.ns);
    const human = await kubeship(['diff', '--tag', '1'], p.cwd);
    expectExit(human, 0);
    expect(human.stdout).toContain(
      `- Service ${p.ns}/web (pruned once the release is healthy; --no-prune keeps it)`,
    );
    expect(human.stdout).toMatch(/objects would change, 1 would be pruned$/m);
    expect(human.stdout).toMatch(/the server-side dry-run refuses this deploy \(APPLY_CONFLICT\)/);
    expect(human.stdout).toMatch(
      new RegExp(`! ConfigMap ${p.ns}/extra: fields owned by another field manager.*oncall-tool.*--force`),
    );
    const json = await kubeship(['diff', '--tag', '1', '--output', 'json', '--no-prune', '--force'], p.cwd);
    expectExit(json, 0);
    const document = JSON.parse(json.stdout) as {
      changes: Array<{ action: string }>;
      dryRun: { accepted?: boolean };
    };
    // --no-prune keeps the Service, and --force takes the field over: the dry-run accepts the deploy
    expect(document.changes.map((c) => c.action)).not.toContain('prune');
    expect(document.dryRun).toEqual({ accepted: true });
    // a diff changes nothing
    expect(await resourceVersions(p.ns)).toEqual(before);
  });

  it("rollback goes through the environment's alarm gate like a deploy: it bakes, and the alarm already firing neither refuses it nor fails the bake", async () => {
    const alarm = `kubeship-it-${randomBytes(3).toString('hex')}-rollback-5xx`;
    putLoadBalancerAlarm(info, alarm);
    const p = await project('rel-rollback-gate', undefined, {
      alarms: { names: [alarm], bakeSeconds: 2, intervalSeconds: 1 },
      maxRestarts: 2,
    });
    p.write([deployment]);
    expectExit(await kubeship(['deploy', '--tag', '1'], p.cwd), 0);
    expectExit(await kubeship(['deploy', '--tag', '2'], p.cwd), 0);

    // release 2 set the alarm off: a deploy is refused, the rollback is what it is for
    setAlarmState(info, { name: alarm, state: 'ALARM', reason: 'Threshold Crossed: 9 5xx' });
    const refused = await kubeship(['deploy', '--tag', '3'], p.cwd);
    expectExit(refused, 2);
    expect(refused.stderr + refused.stdout).toMatch(/not deploying: alarm .*rollback-5xx is ALARM/);
    const back = await kubeship(['rollback', '--output', 'json'], p.cwd);
    expectExit(back, 0);
    const report = JSON.parse(back.stdout) as {
      result: { outcome: string; steps: Array<{ name: string; outcome: string }> };
    };
    expect(report.result.outcome).toBe('deployed');
    expect(report.result.steps).toContainEqual(
      expect.objectContaining({ name: 'alarm bake', outcome: 'passed' }),
    );
    expect(
      (await clients.apps.readNamespacedDeployment({ name: 'web', namespace: p.ns })).spec?.template.spec
        ?.containers[0]?.image,
    ).toBe('registry.local/web:1');
    setAlarmState(info, { name: alarm, state: 'OK', reason: 'recovered' });
  });

  it('rollback respects the deploy lease: refused while another holds it (nothing changes), waits with --wait-for-lock until the lease of a killed holder expires', async () => {
    const p = await project('rel-lease');
    p.write([deployment]);
    expectExit(await kubeship(['deploy', '--tag', '1'], p.cwd), 0);
    expectExit(await kubeship(['deploy', '--tag', '2'], p.cwd), 0);
    const imageNow = async () =>
      (await clients.apps.readNamespacedDeployment({ name: 'web', namespace: p.ns })).spec?.template.spec
        ?.containers[0]?.image;
    const history = async () =>
      (
        await clients.core.listNamespacedSecret({
          namespace: p.ns,
          labelSelector: 'kubeship.dev/role=release-record',
        })
      ).items.map((s) => s.metadata?.name);

    const other = await acquireDeployLease(clients.kc, {
      namespace: p.ns,
      app: 'web',
      holder: 'another-build',
      clock: systemClock,
    });
    const refused = await kubeship(['rollback'], p.cwd);
    await other.release();
    expectExit(refused, 4);
    expect(refused.stderr).toContain('another-build');
    expect(await imageNow()).toBe('registry.local/web:2');
    expect(await history()).toHaveLength(2);

    // waits: a holder that stopped renewing (a build that was killed) holds the lease until it
    // expires; the rollback waits for that, and until then nothing has changed
    // long enough for a CLI run to reach its lock phase on a loaded machine before the lease expires
    const durationSeconds = 15;
    const renewed = new Date();
    await clients.kc.makeApiClient(k8s.CoordinationV1Api).createNamespacedLease({
      namespace: p.ns,
      body: {
        metadata: { name: 'kubeship-web' },
        spec: {
          holderIdentity: 'killed-build',
          leaseDurationSeconds: durationSeconds,
          acquireTime: new k8s.V1MicroTime(renewed.getTime()),
          renewTime: new k8s.V1MicroTime(renewed.getTime()),
        },
      },
    });
    let output = '';
    let whileWaiting: Promise<unknown[]> | undefined;
    const waited = await kubeship(['rollback', '--wait-for-lock', '60'], p.cwd, (text) => {
      output += text;
      if (!whileWaiting && /\block\.\.\./.test(output)) whileWaiting = Promise.all([imageNow(), history()]);
    });
    expectExit(waited, 0);
    expect(Date.now()).toBeGreaterThanOrEqual(renewed.getTime() + durationSeconds * 1000);
    const [imageThen, historyThen] = (await whileWaiting) ?? [];
    expect(imageThen).toBe('registry.local/web:2');
    expect(historyThen).toHaveLength(2);
    expect(await imageNow()).toBe('registry.local/web:1');
    expect(await history()).toHaveLength(3);
  });
});
