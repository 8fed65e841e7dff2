import { describe, expect, it } from 'vitest';
import type { KubeshipErrorCode } from '../errors.ts';
import type { ReleaseStep } from '../events/steps.ts';
import type { RolloutVerdict } from '../rollout/tracker.ts';
import { type DeployOutcome, deployOutcome, type OutcomeFacts } from './outcome.ts';

// The outcome of a deploy, without a cluster: one row per way a deploy ends, the way the rules are tested.

const target = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' } as const;
const complete: RolloutVerdict = { target, outcome: 'complete', summary: '2/2 available', at: 1 };
const applied: RolloutVerdict = {
  target: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'web-config' },
  outcome: 'applied',
  summary: '',
  at: 1,
};
const unverified: RolloutVerdict = {
  target: { apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'shop', name: 'w' },
  outcome: 'unverified',
  summary: 'no rule',
  at: 1,
};
const crashing: RolloutVerdict = {
  target,
  outcome: 'failed',
  reason: 'CrashLoopBackOff',
  summary: 'web-1 crash-looping',
  doomed: [],
  at: 2,
};
const waited = (outcome: 'timeout' | 'interrupted'): RolloutVerdict => ({
  target,
  outcome,
  summary: '1/2 available',
  waiting: [],
  at: 3,
});
const step = (outcome: ReleaseStep['outcome'], name = 'pre-deploy hook migrate'): ReleaseStep => ({
  kind: 'hook',
  name,
  outcome,
  ...(outcome === 'passed' ? {} : { reason: outcome === 'failed' ? 'BackoffLimitExceeded' : 'Timeout' }),
  message: outcome === 'passed' ? 'completed' : 'the Job did not complete',
  startedAt: 0,
  finishedAt: 1,
});

const base: OutcomeFacts = {
  applied: true,
  interrupted: false,
  rollback: true,
  verdicts: [complete],
  steps: [],
  objectIds: ['Deployment shop/web'],
  hooksStarted: [],
  revision: 4,
};
const restored = { healthy: true, message: 'rolled back to release 3 and it is verified healthy' };
const notRestored = {
  healthy: false,
  message: 'rolling back to release 3 did not end healthy: web: CrashLoopBackOff',
};

interface Row {
  readonly name: string;
  readonly facts: Partial<OutcomeFacts>;
  readonly outcome: DeployOutcome['outcome'];
  readonly code: KubeshipErrorCode | undefined;
  readonly message: RegExp;
}

const rows: readonly Row[] = [
  {
    name: 'every object healthy',
    facts: { verdicts: [complete, applied], steps: [step('passed', 'alarm bake')] },
    outcome: 'deployed',
    code: undefined,
    message:
      /^deployed; verified healthy: Deployment web; 1 applied \(no runtime status\); passed alarm bake$/,
  },
  {
    name: 'nothing with a health to verify, one object no rule can judge',
    facts: { verdicts: [unverified] },
    outcome: 'deployed',
    code: undefined,
    message: /nothing in this release has a health to verify; NOT verified \(no rule can tell\): Widget w/,
  },
  {
    name: 'a pre-deploy hook failed before anything was applied',
    facts: { applied: false, verdicts: [], steps: [step('failed')] },
    outcome: 'failed',
    code: 'ROLLOUT_FAILED',
    message: /^pre-deploy hook migrate \(BackoffLimitExceeded: .*\); nothing else was changed$/,
  },
  {
    name: 'a pre-deploy hook timed out',
    facts: { applied: false, verdicts: [], steps: [step('timeout')] },
    outcome: 'failed',
    code: 'ROLLOUT_TIMEOUT',
    message: /nothing else was changed$/,
  },
  {
    name: 'a pre-deploy hook interrupted',
    facts: { applied: false, verdicts: [], steps: [step('interrupted')] },
    outcome: 'failed',
    code: 'INTERRUPTED',
    message: /^interrupted during pre-deploy hook migrate/,
  },
  {
    name: 'a rollout failed, the previous release restored healthy',
    facts: { verdicts: [crashing], restore: restored },
    outcome: 'rolled-back',
    code: 'ROLLOUT_FAILED',
    message: /^rollout failed: Deployment web \(CrashLoopBackOff\); rolled back to release 3/,
  },
  {
    name: 'a rollout timed out, the previous release restored healthy',
    facts: { verdicts: [waited('timeout')], restore: restored },
    outcome: 'rolled-back',
    code: 'ROLLOUT_TIMEOUT',
    message: /^rollout timed out: Deployment web \(timed out\)/,
  },
  {
    name: 'a post-deploy gate failed, restored healthy',
    facts: { steps: [step('failed', 'post-deploy hook smoke')], restore: restored },
    outcome: 'rolled-back',
    code: 'ROLLOUT_FAILED',
    message: /post-deploy hook smoke \(BackoffLimitExceeded/,
  },
  {
    name: 'a rollout failed and the rollback did not end healthy',
    facts: { verdicts: [crashing], restore: notRestored },
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message: /did not end healthy: web: CrashLoopBackOff: a human must look$/,
  },
  {
    name: 'a rollout failed with no rollback tried',
    facts: { verdicts: [crashing] },
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message: /; not rolled back: a human must look$/,
  },
  {
    name: 'a rollout failed with rollback turned off',
    facts: { verdicts: [crashing], rollback: false },
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message: /rollback is turned off: a human must look$/,
  },
  {
    name: 'the deploy was cancelled while waiting',
    facts: { verdicts: [waited('interrupted')], interrupted: true },
    outcome: 'failed',
    code: 'INTERRUPTED',
    message: /^interrupted while waiting for Deployment web \(interrupted\)$/,
  },
  {
    name: 'an error stopped it after the apply, the release healthy',
    facts: { stopped: { phase: 'record', code: 'CLUSTER_UNREACHABLE', message: 'no answer' } },
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message:
      /^the release was applied \(Deployment shop\/web\) and verified healthy, then record stopped: CLUSTER_UNREACHABLE: no answer; release 4 is recorded as failed; the cluster was changed: a human must look$/,
  },
  {
    name: 'an error stopped the apply part way, the record not written',
    facts: {
      verdicts: [],
      stopped: { phase: 'apply', code: 'FORBIDDEN', message: 'denied' },
      recordError: 'unreachable',
    },
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message:
      /^applying the release \(Deployment shop\/web\) stopped part way: .*could not be written \(unreachable\)/,
  },
  {
    name: 'an error stopped a pre-deploy hook that had started',
    facts: {
      applied: false,
      verdicts: [],
      hooksStarted: ['pre-deploy hook migrate'],
      stopped: { phase: 'pre-deploy', code: 'API_ERROR', message: 'boom' },
    },
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message:
      /^pre-deploy hook migrate started \(nothing else of the release was applied\), then pre-deploy stopped/,
  },
  {
    name: 'a cancellation stopped it after the apply',
    facts: { stopped: { phase: 'rollout', code: 'INTERRUPTED', message: 'SIGTERM' } },
    outcome: 'failed',
    code: 'INTERRUPTED',
    message: /then rollout stopped: INTERRUPTED: SIGTERM/,
  },
];

describe('deployOutcome: the outcome as a pure function of plain facts', () => {
  it.each(rows)('$name: $outcome, $code', (row) => {
    const result = deployOutcome({ ...base, ...row.facts });
    expect(result.outcome).toBe(row.outcome);
    expect(result.code).toBe(row.code);
    expect(result.message).toMatch(row.message);
  });

  it('covers every outcome and every code a deploy can end with', () => {
    const codes: ReadonlyArray<KubeshipErrorCode | undefined> = [
      undefined,
      'ROLLOUT_FAILED',
      'ROLLOUT_TIMEOUT',
      'INTERRUPTED',
      'ROLLBACK_FAILED',
    ];
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set(codes));
    expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(['deployed', 'rolled-back', 'failed']));
  });

  it('lists at most ten objects of a stopped release', () => {
    const objectIds = Array.from({ length: 12 }, (_, i) => `ConfigMap shop/c${i}`);
    const { message } = deployOutcome({
      ...base,
      objectIds,
      stopped: { phase: 'apply', code: 'API_ERROR', message: 'x' },
    });
    expect(message).toContain('ConfigMap shop/c9, and 2 more');
    expect(message).not.toContain('c10');
  });
});
