import { describe, expect, it } from 'vitest';
import type { DeployResult } from '../deploy/types.ts';
import { fleetProblems, memberSettings } from '../environment/fleet.ts';
import { KubeshipError } from '../errors.ts';
import { type DeployFleetOptions, deployFleet, type FleetEvent } from './run.ts';

const result = (outcome: DeployResult['outcome'], previousRevision = 3): DeployResult => ({
  outcome,
  ...(outcome === 'deployed' ? {} : { code: 'ROLLOUT_FAILED' as const }),
  message: outcome,
  revision: previousRevision + 1,
  previousRevision,
  changes: [],
  objects: [],
  deployments: [],
  pruned: [],
  warnings: [],
  durationsMs: {},
  startedAt: 0,
  finishedAt: 0,
});

/** A fleet whose clusters deploy as `plan` says, recording what was called in which order. */
function fleet(
  plan: Record<string, 'ok' | 'fails' | 'unreachable' | 'first'>,
  extra: Partial<DeployFleetOptions> = {},
) {
  const calls: string[] = [];
  const events: FleetEvent[] = [];
  let running = 0;
  let peak = 0;
  const options: DeployFleetOptions = {
    waves: [['a'], ['b', 'c']],
    async check(cluster) {
      calls.push(`check ${cluster}`);
      if (plan[cluster] === 'unreachable')
        throw new KubeshipError('CLUSTER_UNREACHABLE', `${cluster}: connection refused`);
    },
    async deploy(cluster, onEvent) {
      calls.push(`deploy ${cluster}`);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      onEvent({ type: 'phase-started', phase: 'apply', at: 1 });
      return result(
        plan[cluster] === 'fails' ? 'rolled-back' : 'deployed',
        plan[cluster] === 'first' ? 0 : 3,
      );
    },
    async revert(cluster, deployed) {
      calls.push(`revert ${cluster} to ${deployed.previousRevision}`);
      return result('deployed', 4);
    },
    onEvent: (event) => events.push(event),
    ...extra,
  };
  return { run: () => deployFleet(options), calls, events, peak: () => peak };
}

describe('deployFleet', () => {
  it('checks every cluster first, then deploys wave by wave; cluster events carry the cluster', async () => {
    const f = fleet({ a: 'ok', b: 'ok', c: 'ok' });
    const run = await f.run();
    expect(run.outcome).toBe('deployed');
    expect(f.calls.slice(0, 3).sort()).toEqual(['check a', 'check b', 'check c']);
    expect(f.calls.slice(3, 4)).toEqual(['deploy a']);
    expect(run.clusters.map((c) => [c.cluster, c.wave, c.status])).toEqual([
      ['a', 1, 'deployed'],
      ['b', 2, 'deployed'],
      ['c', 2, 'deployed'],
    ]);
    expect(f.events).toContainEqual({
      type: 'cluster-event',
      cluster: 'b',
      event: { type: 'phase-started', phase: 'apply', at: 1 },
    });
  });

  it('one refused cluster: nothing is deployed anywhere', async () => {
    const f = fleet({ a: 'ok', b: 'ok', c: 'unreachable' });
    const run = await f.run();
    expect(run.outcome).toBe('not-started');
    expect(f.calls.filter((c) => c.startsWith('deploy'))).toEqual([]);
    expect(run.clusters.find((c) => c.cluster === 'c')?.error?.code).toBe('CLUSTER_UNREACHABLE');
    expect(run.clusters.filter((c) => c.status === 'untouched').map((c) => c.cluster)).toEqual(['a', 'b']);
  });

  it('a failure in wave 1 leaves wave 2 untouched', async () => {
    const f = fleet({ a: 'fails', b: 'ok', c: 'ok' });
    const run = await f.run();
    expect(run).toMatchObject({ outcome: 'stopped', failedWave: 1 });
    expect(f.calls.filter((c) => !c.startsWith('check'))).toEqual(['deploy a']);
    expect(run.clusters.map((c) => c.status)).toEqual(['failed', 'untouched', 'untouched']);
  });

  it("a failure in wave 2 puts the wave's healthy clusters back and leaves wave 1 on the new release", async () => {
    const f = fleet({ a: 'ok', b: 'ok', c: 'fails' });
    const run = await f.run();
    expect(run).toMatchObject({ outcome: 'stopped', failedWave: 2 });
    expect(f.calls).toContain('revert b to 3');
    expect(run.clusters.map((c) => c.status)).toEqual(['deployed', 'reverted', 'failed']);
    expect(run.clusters[1]?.revert?.outcome).toBe('deployed');
  });

  it('onWaveFailure keep, or a first release, keeps the healthy clusters', async () => {
    const kept = await fleet({ a: 'ok', b: 'ok', c: 'fails' }, { onWaveFailure: 'keep' }).run();
    expect(kept.clusters.map((c) => c.status)).toEqual(['deployed', 'kept', 'failed']);
    const first = await fleet({ a: 'ok', b: 'first', c: 'fails' }).run();
    expect(first.clusters[1]).toMatchObject({ status: 'kept', message: expect.stringContaining('first') });
  });

  it('maxParallel bounds the clusters of a wave deploying at once', async () => {
    const waves = [['a', 'b', 'c']];
    const one = fleet({ a: 'ok', b: 'ok', c: 'ok' }, { waves, maxParallel: 1 });
    await one.run();
    expect(one.peak()).toBe(1);
    const all = fleet({ a: 'ok', b: 'ok', c: 'ok' }, { waves });
    await all.run();
    expect(all.peak()).toBe(3);
  });

  it('an aborted signal starts no further cluster or wave, and nothing is put back', async () => {
    const controller = new AbortController();
    const f = fleet(
      { a: 'ok', b: 'ok', c: 'ok' },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'cluster-finished' && event.cluster === 'a') controller.abort();
        },
      },
    );
    const run = await f.run();
    expect(run.outcome).toBe('interrupted');
    expect(run.clusters.map((c) => c.status)).toEqual(['deployed', 'untouched', 'untouched']);
  });

  it('a deploy that throws fails its cluster with the error code', async () => {
    const f = fleet(
      { a: 'ok', b: 'ok', c: 'ok' },
      {
        deploy: async () => {
          throw new KubeshipError('DEPLOY_LOCKED', 'held by build-7');
        },
      },
    );
    const run = await f.run();
    expect(run.clusters[0]).toMatchObject({ status: 'failed', error: { code: 'DEPLOY_LOCKED' } });
  });
});

describe('fleetProblems', () => {
  const eks = (name: string, region = 'eu-west-1') => ({ cluster: { name, region } });

  it('a valid fleet has none', () => {
    expect(
      fleetProblems(
        { clusters: { eu: eks('p'), us: eks('p', 'us-east-1') }, waves: [['eu'], ['us']] },
        'web',
      ),
    ).toEqual([]);
  });

  it('names empty waves, unknown, repeated and unplaced clusters, and the same target twice', () => {
    const problems = fleetProblems(
      {
        clusters: {
          eu: eks('p'),
          us: eks('p', 'us-east-1'),
          again: eks('p'),
          lost: { ...eks('q'), namespace: 'other' },
        },
        waves: [['eu', 'eu'], [], ['us', 'ap', 'again']],
      },
      'web',
    );
    expect(problems).toEqual([
      { path: ['waves', 0, 1], message: expect.stringContaining('already in wave 1') },
      { path: ['waves', 1], message: expect.stringContaining('is empty') },
      { path: ['waves', 2, 1], message: expect.stringContaining('"ap", which is not in clusters') },
      { path: ['clusters', 'lost'], message: expect.stringContaining('in no wave') },
      { path: ['clusters', 'again'], message: expect.stringContaining('same cluster and namespace as "eu"') },
    ]);
  });

  it('the same context with another namespace is another target', () => {
    const ctx = { kubeconfig: { context: 'local' } };
    expect(
      fleetProblems({ clusters: { a: ctx, b: { ...ctx, namespace: 'b' } }, waves: [['a', 'b']] }, 'a'),
    ).toEqual([]);
  });
});

describe('memberSettings', () => {
  it("the cluster's keys win, variables are merged by name, the fleet is dropped", () => {
    const environment = {
      namespace: 'web',
      variables: { A: '1', B: '2' } as Record<string, string>,
      timeoutSeconds: 60,
      fleet: { clusters: {}, waves: [] },
    };
    expect(memberSettings(environment, { namespace: 'web-eu', variables: { B: 'eu' } })).toEqual({
      namespace: 'web-eu',
      variables: { A: '1', B: 'eu' },
      timeoutSeconds: 60,
    });
  });
});
