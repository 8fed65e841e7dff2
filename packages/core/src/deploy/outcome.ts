// How a deploy ended, as a pure function of plain facts: no cluster, no context.
import type { KubeshipErrorCode } from '../errors.ts';
import type { DeployPhase } from '../events/deploy-events.ts';
import { type ReleaseStep, stepFailed } from '../events/steps.ts';
import type { RolloutVerdict } from '../rollout/tracker.ts';

/** What decides the outcome of a deploy. */
export interface OutcomeFacts {
  /** Anything of the release was applied (false: a pre-deploy hook stopped it first). */
  readonly applied: boolean;
  /** The deploy was cancelled (its signal aborted). */
  readonly interrupted: boolean;
  /** Rollback was turned on. */
  readonly rollback: boolean;
  readonly verdicts: readonly RolloutVerdict[];
  readonly steps: readonly ReleaseStep[];
  /** How putting the previous release back went, when it was tried. */
  readonly restore?: { readonly healthy: boolean; readonly message: string };
  /** An error that stopped the release after a change, and the phase it stopped. */
  readonly stopped?: {
    readonly phase: DeployPhase;
    readonly code: KubeshipErrorCode;
    readonly message: string;
  };
  /** The ids of the release's objects (named when an error stopped it). */
  readonly objectIds: readonly string[];
  /** The hooks whose Job was (or may have been) applied. */
  readonly hooksStarted: readonly string[];
  readonly revision: number;
  /** Why the record of a stopped release could not be written. */
  readonly recordError?: string;
}

/** How a deploy ended: its outcome, the error code when it did not end deployed, one line saying why. */
export interface DeployOutcome {
  readonly outcome: 'deployed' | 'rolled-back' | 'failed';
  readonly code?: KubeshipErrorCode;
  readonly message: string;
}

/** The verdicts that stop a release: failed, timed out, interrupted. */
export const failedVerdicts = (verdicts: readonly RolloutVerdict[]) =>
  verdicts.filter((v) => v.outcome === 'failed' || v.outcome === 'timeout' || v.outcome === 'interrupted');

/** Pure: the outcome, error code and one-line message of a deploy. */
export function deployOutcome(facts: OutcomeFacts): DeployOutcome {
  // a SIGTERM stays an interruption (exit 4); any other error after a change needs a human
  if (facts.stopped)
    return {
      outcome: 'failed',
      code: facts.stopped.code === 'INTERRUPTED' ? 'INTERRUPTED' : 'ROLLBACK_FAILED',
      message: stoppedMessage(facts, facts.stopped),
    };
  const bad = failedVerdicts(facts.verdicts);
  const steps = facts.steps.filter(stepFailed);
  if (bad.length === 0 && steps.length === 0)
    return { outcome: 'deployed', message: healthyMessage(facts.verdicts, facts.steps) };
  const names = [
    ...bad.map(
      (v) =>
        `${v.target.kind} ${v.target.name} (${v.outcome === 'failed' ? v.reason : v.outcome === 'timeout' ? 'timed out' : 'interrupted'})`,
    ),
    ...steps.map((step) => `${step.name} (${step.reason ?? step.outcome}: ${step.message})`),
  ].join(', ');
  if (!facts.applied) {
    // a pre-deploy hook stopped the release: the previous one is still there, untouched
    if (facts.interrupted || steps.some((s) => s.outcome === 'interrupted'))
      return {
        outcome: 'failed',
        code: 'INTERRUPTED',
        message: `interrupted during ${names}; nothing else was changed`,
      };
    return {
      outcome: 'failed',
      code: steps.some((s) => s.outcome === 'timeout') ? 'ROLLOUT_TIMEOUT' : 'ROLLOUT_FAILED',
      message: `${names}; nothing else was changed`,
    };
  }
  if (
    facts.interrupted ||
    bad.some((v) => v.outcome === 'interrupted') ||
    steps.some((s) => s.outcome === 'interrupted')
  )
    return { outcome: 'failed', code: 'INTERRUPTED', message: `interrupted while waiting for ${names}` };
  if (!facts.rollback)
    return {
      outcome: 'failed',
      code: 'ROLLBACK_FAILED',
      message: `rollout failed: ${names}; rollback is turned off: a human must look`,
    };
  const timedOut = bad.some((v) => v.outcome === 'timeout') || steps.some((s) => s.outcome === 'timeout');
  if (facts.restore?.healthy) {
    return {
      outcome: 'rolled-back',
      code: timedOut ? 'ROLLOUT_TIMEOUT' : 'ROLLOUT_FAILED',
      message: `rollout ${timedOut ? 'timed out' : 'failed'}: ${names}; ${facts.restore.message}`,
    };
  }
  return {
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message: `rollout failed: ${names}; ${facts.restore?.message ?? 'not rolled back'}: a human must look`,
  };
}

/** Pure: what was applied, what stopped the release, whether it is recorded. */
function stoppedMessage(facts: OutcomeFacts, stopped: NonNullable<OutcomeFacts['stopped']>): string {
  const ids = facts.objectIds;
  const listed = `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? `, and ${ids.length - 10} more` : ''}`;
  const healthy = facts.verdicts.length > 0 && failedVerdicts(facts.verdicts).length === 0;
  const applied = !facts.applied
    ? `${facts.hooksStarted.join(', ')} started (nothing else of the release was applied), then ${stopped.phase} stopped`
    : stopped.phase === 'apply'
      ? `applying the release (${listed}) stopped part way`
      : `the release was applied (${listed})${healthy ? ' and verified healthy' : ''}, then ${stopped.phase} stopped`;
  const recorded = facts.recordError
    ? `the release record could not be written (${facts.recordError})`
    : `release ${facts.revision} is recorded as failed`;
  return `${applied}: ${stopped.code}: ${stopped.message}; ${recorded}; the cluster was changed: a human must look`;
}

/** Pure: which objects were verified, which were only applied, which no rule could judge. */
function healthyMessage(verdicts: readonly RolloutVerdict[], steps: readonly ReleaseStep[]): string {
  const of = (outcome: RolloutVerdict['outcome']) => verdicts.filter((v) => v.outcome === outcome);
  const verified = of('complete');
  const unverified = of('unverified');
  const applied = of('applied');
  const list = (vs: readonly RolloutVerdict[]) =>
    vs.map((v) => `${v.target.kind} ${v.target.name}`).join(', ');
  const parts = [
    verified.length > 0
      ? `verified healthy: ${list(verified)}`
      : 'nothing in this release has a health to verify',
    ...(applied.length > 0 ? [`${applied.length} applied (no runtime status)`] : []),
    ...(unverified.length > 0 ? [`NOT verified (no rule can tell): ${list(unverified)}`] : []),
    ...(steps.length > 0 ? [`passed ${steps.map((s) => s.name).join(', ')}`] : []),
  ];
  return `deployed; ${parts.join('; ')}`;
}
