import { describe, expect, it } from 'vitest';
import type { ReleaseStep } from '../events/steps.ts';
import { formatEvent } from './human.ts';

const style = { color: false };
const step = (extra: Partial<ReleaseStep>): ReleaseStep => ({
  kind: 'canary',
  name: 'canary step 2 (50%)',
  outcome: 'passed',
  message: '2 canary pod(s) healthy; 1 alarm(s) stayed clear for 60s',
  startedAt: 1_000,
  finishedAt: 63_500,
  ...extra,
});

describe('human lines of gates', () => {
  it('one line per step start, hook log line, alarm reading and step end', () => {
    expect(
      formatEvent(
        {
          type: 'step-started',
          at: 1_000,
          kind: 'hook',
          name: 'pre-deploy hook migrate',
          detail: 'Job migrate-r7',
        },
        0,
        style,
      ),
    ).toEqual(['[   1.0s] pre-deploy hook migrate: Job migrate-r7...']);
    expect(
      formatEvent(
        {
          type: 'hook-log',
          at: 2_000,
          hook: 'pre-deploy hook migrate',
          pod: 'migrate-r7-x',
          container: 'm',
          line: 'V3 applied',
        },
        0,
        style,
      ),
    ).toEqual(['[   2.0s]   pre-deploy hook migrate | migrate-r7-x/m: V3 applied']);
    expect(
      formatEvent(
        {
          type: 'alarm',
          at: 3_000,
          alarm: { name: 'web-5xx', state: 'ALARM', reason: 'Threshold Crossed', since: 0 },
        },
        0,
        style,
      ),
    ).toEqual(['[   3.0s]   alarm web-5xx: ALARM (Threshold Crossed)']);
    expect(formatEvent({ type: 'step-finished', at: 63_500, step: step({}) }, 0, style)).toEqual([
      '[  63.5s] ✓ canary step 2 (50%): passed in 62.5s: 2 canary pod(s) healthy; 1 alarm(s) stayed clear for 60s',
    ]);
  });

  it('a failed step says why, then its evidence', () => {
    const lines = formatEvent(
      {
        type: 'step-finished',
        at: 5_000,
        step: step({
          kind: 'hook',
          name: 'post-deploy hook smoke',
          outcome: 'failed',
          reason: 'BackoffLimitExceeded',
          message: 'BackoffLimitExceeded: ...; Job smoke-r3 is kept for inspection',
          startedAt: 4_000,
          finishedAt: 5_000,
          evidence: {
            doomed: [],
            events: [],
            logs: [{ pod: 'smoke-r3-a', container: 'smoke', lines: ['HTTP 500'] }],
          },
        }),
      },
      0,
      style,
    );
    expect(lines[0]).toBe(
      '[   5.0s] ✗ post-deploy hook smoke: failed after 1.0s: BackoffLimitExceeded: ...; Job smoke-r3 is kept for inspection',
    );
    expect(lines).toContain('[   5.0s]     | HTTP 500');
  });
});

describe('human lines of rollout verdicts', () => {
  const target = { namespace: 'shop', name: 'web', kind: 'Deployment' };

  it('names a controller that cannot create pods as itself, not as a pod', () => {
    const lines = formatEvent(
      {
        type: 'rollout-failed',
        at: 1_000,
        target,
        reason: 'FailedCreate',
        summary: 'ReplicaSet/web-7d4b9c6f8: FailedCreate: forbidden',
        doomed: [{ pod: 'ReplicaSet/web-7d4b9c6f8', reason: 'FailedCreate', message: 'forbidden' }],
      },
      0,
      style,
    );
    expect(lines[1]).toBe('[   1.0s]     ReplicaSet/web-7d4b9c6f8: FailedCreate: forbidden');
    expect(lines.join('\n')).not.toMatch(/pod ReplicaSet/);
  });

  it('says "waiting on" once when the summary already names what it waits on', () => {
    const [line] = formatEvent(
      {
        type: 'rollout-timeout',
        at: 2_000,
        target,
        outcome: 'timeout',
        summary: '1/3 updated; waiting on web-x (not ready)',
        waiting: [{ pod: 'web-x', reason: 'not ready' }],
      },
      0,
      style,
    );
    expect(line?.match(/waiting on/g)).toHaveLength(1);
    const [bare] = formatEvent(
      { type: 'rollout-timeout', at: 2_000, target, outcome: 'timeout', summary: '0/3 updated', waiting: [] },
      0,
      style,
    );
    expect(bare).toMatch(/timed out while 0\/3 updated; waiting on the controller$/);
  });
});
