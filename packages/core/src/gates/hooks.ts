import type * as k8s from '@kubernetes/client-node';
import {
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  HOOK_TIMEOUT_ANNOTATION,
  type KubeObject,
} from '@kubeship/manifests';
import { kubeApi } from '../apply/_kube-api.ts';
import { objectId } from '../apply/plan.ts';
import { applyAll } from '../apply/server.ts';
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import type { DeployEventListener } from '../events/deploy-events.ts';
import type { ReleaseStep } from '../events/steps.ts';
import { collectEvidence, type EvidenceLog } from '../rollout/diagnostics.ts';
import type { RolloutVerdict } from '../rollout/tracker.ts';
import { followJobLogs, type JobLogLine } from './_job-logs.ts';

/** The label on every hook Job run: the app it belongs to. */
export const HOOK_OF_LABEL = 'kubeship.dev/hook-of';
const HOOK_NAME_LABEL = 'kubeship.dev/hook-name';
const DEFAULT_TIMEOUT_SECONDS = 300;
const DEFAULT_LOG_LINES = 20;
const MAX_TIMEOUT_SECONDS = 6 * 3600;
// `<name>-r<revision>` must stay a DNS label (63) with room for 7 revision digits.
const MAX_HOOK_NAME = 52;

/** When a hook runs: before any workload changes, or once the rollout is healthy. */
export type HookPhase = 'pre-deploy' | 'post-deploy';

/** A Job that runs at a fixed point of a release (it is not a member of the release itself). */
export interface Hook {
  readonly phase: HookPhase;
  /** The Job's name as declared; each run is `<name>-r<revision>`. */
  readonly name: string;
  readonly namespace: string;
  readonly timeoutMs: number;
  readonly deletePolicy: 'succeeded' | 'never';
  readonly job: KubeObject;
}

/**
 * Pure: separates the hook Jobs (annotated {@link HOOK_ANNOTATION}) from the release's objects,
 * checking their annotations. A hook annotation on anything but a Job is an error.
 */
export function splitHooks(objects: readonly KubeObject[]): { objects: KubeObject[]; hooks: Hook[] } {
  const hooks: Hook[] = [];
  const rest: KubeObject[] = [];
  for (const object of objects) {
    const annotations = object.metadata.annotations ?? {};
    const phase = annotations[HOOK_ANNOTATION];
    if (phase === undefined) {
      rest.push(object);
      continue;
    }
    const problem = (field: string, message: string) =>
      new KubeshipError('INVALID_INPUT', `${objectId(object)}: annotation ${field} ${message}`, {
        details: { object: objectId(object), annotation: field },
      });
    if (object.kind !== 'Job') throw problem(HOOK_ANNOTATION, 'is only for Jobs (batch/v1)');
    if (phase !== 'pre-deploy' && phase !== 'post-deploy')
      throw problem(HOOK_ANNOTATION, `must be pre-deploy or post-deploy, not "${phase}"`);
    if (object.metadata.name.length > MAX_HOOK_NAME)
      throw problem(HOOK_ANNOTATION, `needs a Job name of at most ${MAX_HOOK_NAME} characters`);
    const timeout = annotations[HOOK_TIMEOUT_ANNOTATION] ?? String(DEFAULT_TIMEOUT_SECONDS);
    const seconds = /^[0-9]+$/.test(timeout) ? Number(timeout) : Number.NaN;
    if (!(seconds >= 1 && seconds <= MAX_TIMEOUT_SECONDS))
      throw problem(HOOK_TIMEOUT_ANNOTATION, `must be whole seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
    const policy = annotations[HOOK_DELETE_POLICY_ANNOTATION] ?? 'succeeded';
    if (policy !== 'succeeded' && policy !== 'never')
      throw problem(HOOK_DELETE_POLICY_ANNOTATION, `must be succeeded or never, not "${policy}"`);
    hooks.push({
      phase,
      name: object.metadata.name,
      namespace: object.metadata.namespace ?? 'default',
      timeoutMs: seconds * 1000,
      deletePolicy: policy,
      job: object,
    });
  }
  return { objects: rest, hooks };
}

/**
 * Pure: the Job one run of a hook creates: `<name>-r<revision>`, labelled as a hook of the app,
 * with the hook's timeout as its `activeDeadlineSeconds` (unless it has one) so the controller
 * stops it too when kubeship gives up.
 */
export function hookJob(hook: Hook, run: { readonly app: string; readonly revision: number }): KubeObject {
  const spec = (hook.job.spec ?? {}) as { activeDeadlineSeconds?: number };
  return {
    ...hook.job,
    metadata: {
      ...hook.job.metadata,
      name: `${hook.name}-r${run.revision}`,
      namespace: hook.namespace,
      labels: { ...hook.job.metadata.labels, [HOOK_OF_LABEL]: run.app, [HOOK_NAME_LABEL]: hook.name },
    },
    spec: {
      ...spec,
      activeDeadlineSeconds: spec.activeDeadlineSeconds ?? Math.ceil(hook.timeoutMs / 1000),
    },
  };
}

/** What running a hook needs from the engine. */
export interface HookRun {
  readonly app: string;
  readonly revision: number;
  readonly clock: Clock;
  readonly emit: DeployEventListener;
  /** Verifies objects with their kind's rule (the engine's tracker settings). */
  readonly track: (
    objects: readonly KubeObject[],
    since: number,
    timeoutMs: number,
  ) => Promise<RolloutVerdict[]>;
  readonly logLines?: number;
}

/**
 * Runs one hook: removes its earlier runs, creates this run's Job, streams its pods' logs as
 * `hook-log` events while the Job rule judges it (doomed pods fail it at once), collects evidence
 * when it fails, and deletes it after success unless its policy keeps it.
 */
export async function runHook(kc: k8s.KubeConfig, hook: Hook, run: HookRun): Promise<ReleaseStep> {
  const job = hookJob(hook, run);
  const jobName = job.metadata.name;
  const name = `${hook.phase} hook ${hook.name}`;
  const startedAt = run.clock.now();
  run.emit({ type: 'step-started', at: startedAt, kind: 'hook', name, detail: `Job ${jobName}` });
  await removeRuns(kc, hook, run.app);
  await applyAll(kc, [job], { force: true });
  const tail = logTail(run.logLines ?? DEFAULT_LOG_LINES);
  const logs = await followJobLogs(kc, {
    namespace: hook.namespace,
    job: jobName,
    clock: run.clock,
    onLine: (line) => {
      tail.add(line);
      run.emit({ type: 'hook-log', at: run.clock.now(), hook: name, ...line });
    },
  });
  let verdict: RolloutVerdict | undefined;
  try {
    [verdict] = await run.track([job], startedAt, hook.timeoutMs);
  } finally {
    await logs.stop();
  }
  const step = await stepOf(kc, { hook, job: jobName, name, startedAt, verdict, run, streamed: tail.logs() });
  if (step.outcome === 'passed' && hook.deletePolicy === 'succeeded')
    await deleteJob(kc, hook.namespace, jobName).catch(() => undefined);
  run.emit({ type: 'step-finished', at: step.finishedAt, step });
  return step;
}

async function stepOf(
  kc: k8s.KubeConfig,
  facts: {
    hook: Hook;
    job: string;
    name: string;
    startedAt: number;
    verdict: RolloutVerdict | undefined;
    run: HookRun;
    streamed: EvidenceLog[];
  },
): Promise<ReleaseStep> {
  const { verdict, run } = facts;
  const base = { kind: 'hook' as const, name: facts.name, job: facts.job, startedAt: facts.startedAt };
  if (verdict?.outcome === 'complete')
    return { ...base, outcome: 'passed', message: verdict.summary, finishedAt: run.clock.now() };
  const outcome =
    verdict?.outcome === 'timeout' || verdict?.outcome === 'interrupted' ? verdict.outcome : 'failed';
  const reason =
    verdict?.outcome === 'failed'
      ? verdict.reason
      : outcome === 'timeout'
        ? 'HookTimeout'
        : outcome === 'interrupted'
          ? 'Interrupted'
          : 'HookNotVerified';
  const collected = await collectEvidence(kc, {
    namespace: facts.hook.namespace,
    kind: 'Job',
    name: facts.job,
    doomed: verdict?.outcome === 'failed' ? verdict.doomed : [],
    since: facts.startedAt,
    ...(run.logLines === undefined ? {} : { logLines: run.logLines }),
  });
  // a Job the controller failed has no doomed pod to read logs of: the streamed lines are the log
  const evidence = collected.logs.length > 0 ? collected : { ...collected, logs: facts.streamed };
  const what =
    outcome === 'timeout'
      ? `did not finish within ${facts.hook.timeoutMs / 1000}s`
      : (verdict?.summary ?? '');
  return {
    ...base,
    outcome,
    reason,
    message: `${reason}: ${what}; Job ${facts.job} is kept for inspection`,
    evidence,
    finishedAt: run.clock.now(),
  };
}

/** Keeps the last `lines` lines of each container's streamed log. */
function logTail(lines: number) {
  const byContainer = new Map<string, { pod: string; container: string; lines: string[] }>();
  return {
    add(line: JobLogLine) {
      const key = `${line.pod}/${line.container}`;
      const entry = byContainer.get(key) ?? { pod: line.pod, container: line.container, lines: [] };
      byContainer.set(key, entry);
      entry.lines.push(line.line);
      if (entry.lines.length > lines) entry.lines.shift();
    },
    logs: (): EvidenceLog[] => [...byContainer.values()],
  };
}

/** Deletes every earlier run of a hook (the last failed one is kept until now), waiting until each is gone. */
async function removeRuns(kc: k8s.KubeConfig, hook: Hook, app: string): Promise<void> {
  const { batch } = kubeApi(kc);
  const runs = await batch.listNamespacedJob({
    namespace: hook.namespace,
    labelSelector: `${HOOK_OF_LABEL}=${app},${HOOK_NAME_LABEL}=${hook.name}`,
  });
  await Promise.all(runs.items.map((job) => deleteJob(kc, hook.namespace, job.metadata?.name ?? '')));
}

async function deleteJob(kc: k8s.KubeConfig, namespace: string, name: string): Promise<void> {
  const { batch } = kubeApi(kc);
  await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }).catch(notFound);
  // bounded: a Job without finalizers is gone at once; a re-run of the same revision needs its name
  for (let i = 0; i < 100; i++) {
    const live = await batch.readNamespacedJob({ name, namespace }).catch(notFound);
    if (!live) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function notFound(error: unknown): undefined {
  if ((error as { code?: number }).code === 404) return undefined;
  throw error;
}
