// The `--output json` contract, written from the outside: what a pipeline step can rely on when
// it parses kubeship's stdout. Strict where a consumer branches (outcome, code, exit code,
// verdicts), open where the library may add detail.
import * as z from 'zod';

const errorCode = z.enum([
  'INVALID_INPUT',
  'INVALID_MANIFEST',
  'SSM_PARAMETERS_MISSING',
  'CONFIG_COLLISION',
  'CLUSTER_NOT_FOUND',
  'CLUSTER_NOT_ACTIVE',
  'AWS_CREDENTIALS',
  'AWS_UNREACHABLE',
  'CLUSTER_UNREACHABLE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'DRY_RUN_REJECTED',
  'PRUNE_REFUSED',
  'APPLY_CONFLICT',
  'DEPLOY_LOCKED',
  'ROLLOUT_FAILED',
  'ROLLOUT_TIMEOUT',
  'ROLLBACK_FAILED',
  'INTERRUPTED',
  'API_ERROR',
]);
const millis = z.number().int().nonnegative();
const target = z.strictObject({ kind: z.string().min(1), namespace: z.string(), name: z.string().min(1) });
const counts = z.strictObject({
  desired: z.number().int(),
  updated: z.number().int(),
  ready: z.number().int(),
  available: z.number().int(),
  total: z.number().int(),
});
const doomed = z.strictObject({
  pod: z.string(),
  container: z.string().optional(),
  reason: z.string(),
  message: z.string(),
  exitCode: z.number().int().optional(),
  restartCount: z.number().int().optional(),
});
const waiting = z.strictObject({ pod: z.string(), reason: z.string() });
const evidence = z.strictObject({
  doomed: z.array(doomed),
  events: z.array(
    z.strictObject({
      object: z.string(),
      type: z.string(),
      reason: z.string(),
      message: z.string(),
      count: z.number().int(),
      lastSeen: z.string().optional(),
    }),
  ),
  logs: z.array(
    z.strictObject({
      pod: z.string(),
      container: z.string(),
      lines: z.array(z.string()).optional(),
      unavailable: z.string().optional(),
    }),
  ),
});
const phase = z.enum([
  'config',
  'lock',
  'plan',
  'access',
  'alarm-check',
  'dry-run',
  'pre-deploy',
  'apply',
  'rollout',
  'canary',
  'post-deploy',
  'bake',
  'diagnose',
  'evidence',
  'rollback',
  'prune',
  'record',
  'release',
]);
const changes = z.array(
  z.strictObject({
    id: z.string().min(1),
    action: z.enum(['create', 'update', 'replace', 'unchanged', 'prune']),
    fields: z.array(z.string()),
  }),
);

const alarm = z.strictObject({
  name: z.string().min(1),
  state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string(),
  since: millis,
});
const step = z.strictObject({
  kind: z.enum(['hook', 'bake', 'canary', 'blue-green']),
  name: z.string().min(1),
  outcome: z.enum(['passed', 'failed', 'timeout', 'interrupted']),
  reason: z.string().optional(),
  message: z.string(),
  startedAt: millis,
  finishedAt: millis,
  job: z.string().optional(),
  alarms: z.array(alarm).optional(),
  evidence: evidence.optional(),
});

const event = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('phase-started'), phase, at: millis }),
  z.strictObject({ type: z.literal('phase-finished'), phase, at: millis, durationMs: millis }),
  z.strictObject({ type: z.literal('plan'), at: millis, changes }),
  z.strictObject({
    type: z.literal('progress'),
    at: millis,
    target,
    summary: z.string(),
    counts: counts.optional(),
    waiting: z.array(waiting),
  }),
  z.strictObject({
    type: z.literal('rollout-complete'),
    at: millis,
    target,
    summary: z.string(),
    counts: counts.optional(),
  }),
  z.strictObject({
    type: z.literal('rollout-failed'),
    at: millis,
    target,
    reason: z.string(),
    summary: z.string(),
    doomed: z.array(doomed),
  }),
  z.strictObject({
    type: z.literal('rollout-timeout'),
    at: millis,
    target,
    outcome: z.enum(['timeout', 'interrupted']),
    summary: z.string(),
    waiting: z.array(waiting),
  }),
  z.strictObject({ type: z.literal('unverified'), at: millis, target, summary: z.string() }),
  z.strictObject({ type: z.literal('evidence'), at: millis, target, evidence }),
  z.strictObject({
    type: z.literal('rollback-started'),
    at: millis,
    toRevision: z.number().int(),
    objects: z.number().int(),
  }),
  z.strictObject({
    type: z.literal('rolled-back'),
    at: millis,
    toRevision: z.number().int(),
    healthy: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('step-started'),
    at: millis,
    kind: step.shape.kind,
    name: z.string().min(1),
    detail: z.string(),
  }),
  z.strictObject({ type: z.literal('step-finished'), at: millis, step }),
  z.strictObject({
    type: z.literal('hook-log'),
    at: millis,
    hook: z.string().min(1),
    pod: z.string().min(1),
    container: z.string().min(1),
    line: z.string(),
  }),
  z.strictObject({ type: z.literal('alarm'), at: millis, alarm }),
  z.strictObject({ type: z.literal('pruned'), at: millis, id: z.string().min(1) }),
  z.strictObject({ type: z.literal('warning'), at: millis, message: z.string() }),
]);

const verdict = z.enum(['complete', 'applied', 'unverified', 'failed', 'timeout', 'interrupted']);
const deployment = z.strictObject({
  kind: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
  revisionBefore: z.number().int().nonnegative(),
  revisionAfter: z.number().int().nonnegative(),
  images: z.array(z.string().min(1)),
  verdict,
  reason: z.string().optional(),
  summary: z.string().optional(),
  waiting: z.array(waiting).optional(),
  evidence: evidence.optional(),
  rollback: z
    .strictObject({
      toRevision: z.number().int().nonnegative(),
      images: z.array(z.string()),
      healthy: z.boolean(),
      error: z.string().optional(),
    })
    .optional(),
});

const outcome = z.enum(['deployed', 'rolled-back', 'failed']);

/** The report of a command that changed the cluster (deploy, set-image, promote, rollback). */
export const deployReportSchema = z
  .strictObject({
    command: z.enum(['deploy', 'set-image', 'promote', 'rollback']),
    environment: z.string().min(1),
    exitCode: z.number().int().min(0).max(5),
    image: z.string().min(1).optional(),
    outcome,
    code: errorCode.nullable(),
    message: z.string().min(1),
    result: z.strictObject({
      outcome,
      code: errorCode.optional(),
      message: z.string().min(1),
      revision: z.number().int().positive(),
      previousRevision: z.number().int().nonnegative(),
      changes,
      objects: z.array(
        z.strictObject({
          id: z.string().min(1),
          kind: z.string().min(1),
          namespace: z.string().optional(),
          name: z.string().min(1),
          verdict,
          summary: z.string(),
          reason: z.string().optional(),
        }),
      ),
      deployments: z.array(deployment),
      pruned: z.array(z.string()),
      warnings: z.array(z.string()),
      rollback: z
        .strictObject({
          healthy: z.boolean(),
          message: z.string(),
          toRevision: z.number().int().nonnegative(),
          objects: z.array(
            z.strictObject({
              id: z.string(),
              images: z.array(z.string()),
              healthy: z.boolean(),
              error: z.string().optional(),
            }),
          ),
          removed: z.array(z.string()),
        })
        .optional(),
      stopped: z.strictObject({ phase, code: errorCode, message: z.string().min(1) }).optional(),
      strategy: z.enum(['rolling', 'canary', 'blue-green']).optional(),
      steps: z.array(step).optional(),
      evidenceBundle: z
        .strictObject({
          name: z.string().regex(/^kubeship-evidence-.+\.tar\.gz$/),
          bytes: z.number().int().positive(),
          path: z.string().min(1).optional(),
          url: z
            .string()
            .regex(/^s3:\/\/.+/)
            .optional(),
        })
        .optional(),
      durationsMs: z.partialRecord(phase, millis),
      startedAt: millis,
      finishedAt: millis,
    }),
    events: z.array(event),
  })
  .refine((r) => r.outcome === r.result.outcome && (r.code ?? undefined) === r.result.code, {
    error: 'the summary must agree with the result',
  })
  .refine((r) => (r.exitCode === 0) === (r.outcome === 'deployed' && r.code === null), {
    error: 'exit code 0 exactly when deployed without an error code',
  })
  .refine((r) => r.result.finishedAt >= r.result.startedAt, { error: 'finishedAt before startedAt' });

/** The report of a command that failed before any rollout (bad input, auth, API errors). */
export const errorReportSchema = z.strictObject({
  command: z.string().min(1),
  outcome: z.literal('error'),
  code: z.union([errorCode, z.literal('INTERNAL_ERROR')]),
  exitCode: z.number().int().min(1).max(5),
  message: z.string().min(1),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type DeployReport = z.infer<typeof deployReportSchema>;
export type ErrorReport = z.infer<typeof errorReportSchema>;
