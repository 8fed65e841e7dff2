// DeployResult fixtures for the output writers' unit tests.
import type { DeployResult } from '@kubeship/core';

const startedAt = Date.parse('2026-11-02T10:00:00.000Z');

/** A healthy deploy of one Deployment. */
export const deployed: DeployResult = {
  outcome: 'deployed',
  message: 'deployed and verified healthy: web',
  changes: [
    { id: 'Deployment web-test/web', action: 'update', fields: ['spec.template.spec.containers[0].image'] },
  ],
  revision: 2,
  previousRevision: 1,
  objects: [],
  pruned: [],
  warnings: [],
  deployments: [
    {
      kind: 'Deployment',
      namespace: 'web-test',
      name: 'web',
      revisionBefore: 3,
      revisionAfter: 4,
      images: ['123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1a2b3c4'],
      verdict: 'complete',
    },
  ],
  durationsMs: { plan: 40, 'dry-run': 60, apply: 80, rollout: 12_345 },
  startedAt,
  finishedAt: startedAt + 13_500,
};

/** A crashing release caught early and rolled back healthy; evidence with characters XML must escape. */
export const rolledBack: DeployResult = {
  outcome: 'rolled-back',
  code: 'ROLLOUT_FAILED',
  message: 'rollout failed: web (CrashLoopBackOff); rolled back and the previous revision is healthy',
  revision: 2,
  previousRevision: 1,
  changes: [],
  objects: [],
  pruned: [],
  warnings: [],
  deployments: [
    {
      kind: 'Deployment',
      namespace: 'web-test',
      name: 'web',
      revisionBefore: 4,
      revisionAfter: 6,
      images: ['registry.local/web:9f9f9f9-crashloop'],
      verdict: 'failed',
      reason: 'CrashLoopBackOff',
      evidence: {
        doomed: [
          {
            pod: 'web-7d9c-abcde',
            container: 'web',
            reason: 'CrashLoopBackOff',
            message: 'back-off 10s restarting failed container <web> & "friends"',
            exitCode: 1,
            restartCount: 3,
          },
        ],
        events: [
          {
            object: 'Pod/web-7d9c-abcde',
            type: 'Warning',
            reason: 'BackOff',
            message: "Back-off restarting failed container 'web'",
            count: 4,
          },
        ],
        logs: [
          { pod: 'web-7d9c-abcde', container: 'web', lines: ['Error: DB_HOST is not set', 'exit 1'] },
          { pod: 'web-7d9c-fghij', container: 'web', unavailable: 'container has not started' },
        ],
      },
      rollback: { toRevision: 5, images: ['registry.local/web:5d6e7f8'], healthy: true },
    },
  ],
  durationsMs: { rollout: 6_000, diagnose: 300, rollback: 2_500 },
  startedAt,
  finishedAt: startedAt + 9_000,
};

/** Two Deployments: one healthy, one that could not be rolled back (first deploy). */
export const firstDeployFailed: DeployResult = {
  outcome: 'failed',
  code: 'ROLLBACK_FAILED',
  message: 'rollout failed: worker (CrashLoopBackOff); worker: no earlier revision: a human must look',
  revision: 2,
  previousRevision: 1,
  changes: [],
  objects: [],
  pruned: [],
  warnings: [],
  deployments: [
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'api',
      revisionBefore: 0,
      revisionAfter: 1,
      images: [`registry.local/api@sha256:${'b'.repeat(64)}`],
      verdict: 'complete',
    },
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'worker',
      revisionBefore: 0,
      revisionAfter: 1,
      images: ['registry.local/worker:1-crashloop', 'registry.local/sidecar:2'],
      verdict: 'failed',
      reason: 'CrashLoopBackOff',
      evidence: { doomed: [], events: [], logs: [] },
      rollback: {
        toRevision: 0,
        images: [],
        healthy: false,
        error: 'deployment shop/worker has no earlier revision to roll back to (first deploy?)',
      },
    },
  ],
  durationsMs: { rollout: 4_000 },
  startedAt,
  finishedAt: startedAt + 5_000,
};

/** A rollout that timed out, without evidence or rollback. */
export const timedOut: DeployResult = {
  outcome: 'failed',
  code: 'ROLLBACK_FAILED',
  message: 'rollout failed: web (timeout); rollback is turned off: a human must look',
  revision: 2,
  previousRevision: 1,
  changes: [],
  objects: [],
  pruned: [],
  warnings: [],
  deployments: [
    {
      kind: 'Deployment',
      namespace: 'web-test',
      name: 'web',
      revisionBefore: 1,
      revisionAfter: 2,
      images: ['registry.local/web:2-slowready'],
      verdict: 'timeout',
      reason: 'RolloutTimeout',
      summary: '1/3 updated, 0 ready, 0 available; waiting on web-7d4b9-x2k4p (not ready)',
    },
  ],
  durationsMs: { rollout: 2_000 },
  startedAt,
  finishedAt: startedAt + 2_100,
};
