import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runMain, tempDir, writeFiles } from '../../test/harness.ts';
import { EXIT } from '../exit-codes.ts';
import { loadConfig } from './load.ts';

afterAll(removeTempDirs);

const config = (fleet: string, extra = '') => `app:
  name: web
  image: registry.local/web:1
  ports: [{ name: http, containerPort: 8080 }]
  probes: { readiness: false }
environments:
  prod:
    namespace: web
    ssm: { paths: [/web/prod] }
${extra}    fleet:
${fleet}`;

const VALID = `      clusters:
        eu: { cluster: { name: prod-eu, region: eu-west-1 } }
        us: { cluster: { name: prod-us, region: us-east-1 }, namespace: web-us, variables: { CELL: us } }
        ap: { cluster: { name: prod-ap, region: ap-southeast-2 }, ssm: { paths: [/web/prod-ap] } }
      waves: [[eu], [us, ap]]
      maxParallel: 2
`;

describe('fleet config', () => {
  it('a fleet of three clusters in two waves loads', async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.yaml': config(VALID) });
    const { config: loaded } = await loadConfig({ cwd });
    expect(loaded.environments.prod?.fleet?.waves).toEqual([['eu'], ['us', 'ap']]);
  });

  it('refuses empty waves, unknown and repeated clusters and the same target twice, naming each place (exit 2)', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': config(`      clusters:
        eu: { cluster: { name: prod-eu, region: eu-west-1 } }
        eu2: { cluster: { name: prod-eu, region: eu-west-1 } }
        lost: { kubeconfig: { context: other }, cluster: { name: x } }
      waves: [[eu, eu2], [], [us, eu]]
`),
    });
    const run = await runMain(['deploy', '--env', 'prod'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    for (const place of [
      'environments.prod.fleet.clusters.lost: needs exactly one of cluster (EKS) or kubeconfig',
      'environments.prod.fleet.waves.1: is empty',
      'environments.prod.fleet.waves.2.0: names cluster "us", which is not in clusters',
      'environments.prod.fleet.waves.2.1: cluster "eu" is already in wave 1',
      'environments.prod.fleet.clusters.eu2: is the same cluster and namespace as "eu"',
    ])
      expect(run.stderr).toContain(place);
  });

  it('refuses a fleet beside a cluster, and --cluster naming no cluster of the fleet', async () => {
    const both = writeFiles(tempDir(), {
      'kubeship.config.yaml': config(VALID, '    cluster: { name: prod, region: us-east-1 }\n'),
    });
    expect((await runMain(['render', '--env', 'prod'], { cwd: both })).stderr).toContain(
      'environments.prod: needs exactly one of cluster (EKS), kubeconfig (a context) or fleet',
    );
    const cwd = writeFiles(tempDir(), { 'kubeship.config.yaml': config(VALID) });
    const unknown = await runMain(['render', '--env', 'prod', '--cluster', 'sa'], { cwd });
    expect(unknown.code).toBe(EXIT.badInput);
    expect(unknown.stderr).toContain('--cluster sa:');
    expect(unknown.stderr).toContain('has no cluster "sa" (it has eu, us, ap)');
  });

  it("--cluster renders that cluster's environment: its namespace and variables over the shared ones", async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.yaml': config(VALID) });
    const us = await runMain(['render', '--env', 'prod', '--cluster', 'us'], { cwd });
    expect(us.code, us.stderr).toBe(EXIT.ok);
    expect(us.stdout).toContain('namespace: web-us');
    expect(us.stdout).not.toContain('namespace: web\n');
    // the first render of a worker loads the release code: more than the default 5 s on a busy machine
  }, 30_000);

  it('a command that needs one cluster refuses the whole fleet, naming its clusters', async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.yaml': config(VALID) });
    const run = await runMain(['rollback', '--env', 'prod'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('environment prod is a fleet of 3 clusters (eu, us, ap)');
  });
});
