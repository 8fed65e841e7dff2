import { describe, expect, it } from 'vitest';
import { deployed, rolledBack } from '../../test/fixtures.ts';
import { parseExports, parseXml } from '../../test/harness.ts';
import { EXIT } from '../exit-codes.ts';
import {
  clusterExitCode,
  EXIT_SEVERITY,
  fleetExports,
  fleetJunit,
  fleetReportOf,
  fleetTable,
  mergeReports,
  worstExitCode,
} from './fleet-report.ts';

// wave 1 (eu) on the new release; wave 2: us healthy and put back, ap crash-looped and rolled back; sa never started
const run = {
  outcome: 'stopped' as const,
  message: 'stopped at wave 2: ap failed; 1 clusters untouched',
  failedWave: 2,
  clusters: [
    { cluster: 'eu', wave: 1, status: 'deployed' as const, result: deployed, message: deployed.message },
    {
      cluster: 'us',
      wave: 2,
      status: 'reverted' as const,
      result: deployed,
      revert: { ...deployed, revision: 3, previousRevision: 2 },
      message: 'healthy, put back on release 1 because its wave failed',
    },
    { cluster: 'ap', wave: 2, status: 'failed' as const, result: rolledBack, message: rolledBack.message },
    { cluster: 'sa', wave: 3, status: 'untouched' as const, message: 'not deployed' },
  ],
};
const report = fleetReportOf(run, {
  command: 'deploy',
  environment: 'prod',
  image: 'web:2',
  singles: new Map(),
});

describe('exit codes of a fleet', () => {
  it('the worst cluster wins: 5 over 4 over 3 over 2 over 1 over 0', () => {
    expect(EXIT_SEVERITY).toEqual([0, 1, 2, 3, 4, 5]);
    expect(worstExitCode([1, 4, 3])).toBe(4);
    expect(worstExitCode([0, 2, 1])).toBe(2);
    expect(worstExitCode([])).toBe(0);
  });

  it("a cluster's code: its deploy's, its refusal's, 1 when put back healthy, the revert's when that failed", () => {
    expect(clusterExitCode({ status: 'failed', result: rolledBack })).toBe(EXIT.rolledBack);
    expect(clusterExitCode({ status: 'refused', error: { code: 'CLUSTER_UNREACHABLE' } })).toBe(EXIT.auth);
    expect(clusterExitCode({ status: 'reverted', result: deployed, revert: deployed })).toBe(EXIT.rolledBack);
    expect(
      clusterExitCode({
        status: 'reverted',
        result: deployed,
        revert: { ...rolledBack, code: 'ROLLBACK_FAILED' },
      }),
    ).toBe(EXIT.needsHuman);
    expect(clusterExitCode({ status: 'untouched' })).toBe(EXIT.ok);
  });
});

describe('fleet report', () => {
  it('the human table has a row per cluster with wave, status, exit code and release', () => {
    const lines = fleetTable(report).split('\n');
    expect(lines[0]).toBe('fleet prod: stopped (exit 1): stopped at wave 2: ap failed; 1 clusters untouched');
    expect(lines[1]).toMatch(/^ {2}cluster +wave +status +exit +release +message$/);
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/).slice(0, 5))).toEqual([
      ['eu', '1', 'deployed', '0', '1'],
      ['us', '2', 'reverted', '1', '1'],
      ['ap', '2', 'failed', '1', '1'],
      ['sa', '3', 'untouched', '0', '-'],
    ]);
  });

  it('JUnit: one testsuite per cluster; the revert a passed case, untouched skipped', () => {
    const root = parseXml(fleetJunit(report));
    const suites = root.children;
    expect(suites.map((s) => s.attributes.name)).toEqual([
      'kubeship deploy (prod/eu)',
      'kubeship deploy (prod/us)',
      'kubeship deploy (prod/ap)',
      'kubeship deploy (prod/sa)',
    ]);
    expect(suites[1]?.attributes).toMatchObject({ tests: '2', failures: '0' });
    expect(suites[2]?.attributes.failures).toBe('1');
    expect(suites[3]?.children[0]?.children[0]?.name).toBe('skipped');
    expect(root.attributes).toMatchObject({ tests: '5', failures: '1' });
  });

  it('exports name the fleet outcome and the clusters deployed, rolled back and untouched', () => {
    expect(parseExports(fleetExports(report))).toEqual({
      KUBESHIP_IMAGE: 'web:2',
      KUBESHIP_FLEET_OUTCOME: 'stopped',
      KUBESHIP_EXIT_CODE: '1',
      KUBESHIP_CLUSTERS_DEPLOYED: 'eu',
      KUBESHIP_CLUSTERS_ROLLED_BACK: 'us,ap',
      KUBESHIP_CLUSTERS_FAILED: 'ap',
      KUBESHIP_CLUSTERS_UNTOUCHED: 'sa',
    });
  });
});

describe('mergeReports', () => {
  const single = (result: typeof deployed, exitCode: number, extra: object = {}) => ({
    command: 'deploy',
    environment: 'prod',
    exitCode,
    outcome: result.outcome,
    code: result.code ?? null,
    message: result.message,
    result,
    events: [],
    ...extra,
  });

  it('per-cluster reports become one, named by their file; the worst exit code wins', () => {
    const merged = mergeReports([
      { file: '/r/us-east-1.json', json: single(rolledBack, 1) },
      { file: '/r/eu-west-1.json', json: single(deployed, 0) },
      {
        file: '/r/x.json',
        json: {
          command: 'deploy',
          outcome: 'error',
          code: 'CLUSTER_UNREACHABLE',
          exitCode: 3,
          message: 'no route',
          cluster: 'ap',
        },
      },
    ]);
    expect(merged).toMatchObject({ environment: 'prod', outcome: 'stopped', exitCode: 3 });
    expect(merged.clusters.map((c) => [c.cluster, c.status, c.exitCode])).toEqual([
      ['ap', 'failed', 3],
      ['eu-west-1', 'deployed', 0],
      ['us-east-1', 'failed', 1],
    ]);
    expect(fleetTable(merged)).toContain('eu-west-1');
  });

  it('refuses a file that is not a deploy report, and a cluster reported twice', () => {
    expect(() => mergeReports([{ file: 'a.json', json: { hello: 1 } }])).toThrow(
      'a.json is not a kubeship deploy report (--output json)',
    );
    const twice = { file: 'eu.json', json: single(deployed, 0) };
    expect(() => mergeReports([twice, twice])).toThrow('cluster eu is in more than one report');
  });
});
