import { readdirSync, readFileSync } from 'node:fs';
import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { type FailureRules, judgePod, judgeRollout, newReplicaSetOf, revisionOf } from './predicates.ts';

interface Fixture {
  deployment: V1Deployment;
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
  now: number;
  rules: FailureRules;
  expected: Record<string, unknown>;
}

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map(
    (file) =>
      [file.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture] as const,
  );

describe('judgeRollout (JSON fixtures)', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(15));

  it.each(fixtures)('%s', (_, f) => {
    const state = judgeRollout(f.deployment, f.replicaSets, f.pods, f.rules, f.now);
    expect(state).toMatchObject(f.expected);
  });
});

describe('revisions', () => {
  it('reads the revision annotation and finds the new ReplicaSet by owner and revision', () => {
    const [, f] = fixtures.find(([name]) => name === 'complete') ?? [];
    expect(f).toBeDefined();
    if (!f) return;
    expect(revisionOf(f.deployment)).toBe(2);
    expect(newReplicaSetOf(f.deployment, f.replicaSets)?.metadata?.name).toBe('web-new');
    const foreign = f.replicaSets.map((rs) => ({ ...rs, metadata: { ...rs.metadata, ownerReferences: [] } }));
    expect(newReplicaSetOf(f.deployment, foreign)).toBeUndefined();
  });
});

describe('judgePod for Job pods (retriedByJob)', () => {
  const pick = (name: string) => {
    const [, f] = fixtures.find(([n]) => n === name) ?? [];
    const pod = f?.pods.find((p) => p.metadata?.name === 'web-new-0');
    if (!f || !pod) throw new Error(`fixture ${name} has no pod web-new-0`);
    return { f, pod };
  };

  it('a Failed pod is an attempt the Job retries, not doom', () => {
    const { f, pod } = pick('pod-failed');
    expect(judgePod(pod, f.rules, f.now)).toHaveProperty('doomed');
    expect(judgePod(pod, f.rules, f.now, { retriedByJob: true })).not.toHaveProperty('doomed');
  });

  it('a crash back-off below maxRestarts is a retry; at maxRestarts it is doom', () => {
    const { f, pod } = pick('crashloop');
    expect(judgePod(pod, f.rules, f.now, { retriedByJob: true })).not.toHaveProperty('doomed');
    expect(judgePod(pod, { ...f.rules, maxRestarts: 1 }, f.now, { retriedByJob: true })).toMatchObject({
      doomed: { reason: 'RestartLimit', restartCount: 1 },
    });
  });
});

describe('one image pull grace for a deploy and for `kubeship status`', () => {
  const started = Date.parse('2026-01-01T00:00:00Z');
  const pulling: V1Pod = {
    metadata: { name: 'web-1' },
    status: {
      phase: 'Pending',
      startTime: new Date(started),
      containerStatuses: [
        {
          name: 'web',
          image: 'r.io/web:2',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff', message: 'dial tcp: i/o timeout' } },
        },
      ],
    },
  };
  // status judges with the default rules: no imagePullGraceMs given, as `kubeship status` does
  const rules = { maxRestarts: 3, unschedulableGraceMs: 60_000, deployStartedAt: started };

  it('waits out a transient pull failure for 30 s by default, then dooms the pod', () => {
    expect(judgePod(pulling, rules, started + 29_000)).toMatchObject({ waiting: { pod: 'web-1' } });
    expect(judgePod(pulling, rules, started + 30_000)).toMatchObject({
      doomed: { pod: 'web-1', reason: 'ImagePullBackOff' },
    });
  });
});
