import type { DeployResult } from '../deploy/types.ts';
import type { DeployEvent, LeaseWait } from '../events/deploy-events.ts';
import type { ReleaseStep } from '../events/steps.ts';
import type { Evidence } from '../rollout/diagnostics.ts';
import { doomedSubject, type RolloutCounts, type WaitingPod } from '../rollout/predicates.ts';
import type { RolloutProgress } from '../rollout/tracker.ts';

/** How human output looks: colours only where a terminal shows them. */
export interface HumanStyle {
  readonly color: boolean;
}

const paint = (style: HumanStyle, code: number, text: string) =>
  style.color ? `\u001b[${code}m${text}\u001b[0m` : text;
const red = (s: HumanStyle, t: string) => paint(s, 31, t);
const green = (s: HumanStyle, t: string) => paint(s, 32, t);
const yellow = (s: HumanStyle, t: string) => paint(s, 33, t);
const bold = (s: HumanStyle, t: string) => paint(s, 1, t);

/** `[  12.3s] ` for a moment `at`, relative to `startedAt`. */
export function elapsed(at: number, startedAt: number): string {
  return `[${((at - startedAt) / 1000).toFixed(1).padStart(6)}s]`;
}

/** `web: 2/3 updated, 1/3 available`, the progress line of one object (its summary where it has no replicas). */
export function progressLine(progress: {
  readonly target: { readonly kind?: string; readonly name: string };
  readonly counts?: RolloutCounts;
  readonly summary?: string;
}): string {
  const who =
    progress.target.kind && progress.target.kind !== 'Deployment'
      ? `${progress.target.kind} ${progress.target.name}`
      : progress.target.name;
  if (!progress.counts) return `${who}: ${progress.summary ?? ''}`;
  const { desired, updated, available } = progress.counts;
  return `${who}: ${updated}/${desired} updated, ${available}/${desired} available`;
}

/** The "still waiting" line a reporter repeats while nothing changes. */
export function stillWaitingLine(
  progress: Parameters<typeof progressLine>[0] & Pick<RolloutProgress, 'waiting'>,
): string {
  const pods = progress.waiting.slice(0, 3).map((w) => `${w.pod} (${w.reason})`);
  const more = progress.waiting.length > 3 ? ` and ${progress.waiting.length - 3} more` : '';
  return `still waiting for ${progressLine(progress)}${pods.length ? `; pods: ${pods.join(', ')}${more}` : ''}`;
}

const PLAN_MARKS: Partial<Record<string, string>> = { create: '+', prune: '-', replace: '±' };
const PLAN_NOTES: Partial<Record<string, string>> = {
  prune: ' (prune once healthy)',
  replace: ' (replace: delete and create anew)',
};

/**
 * Pure: the lines of human output for one event, made for CodeBuild logs (each line stands on
 * its own, prefixed with the elapsed time). Events that add nothing for a human give no line.
 */
export function formatEvent(event: DeployEvent, startedAt: number, style: HumanStyle): string[] {
  const at = elapsed(event.at, startedAt);
  switch (event.type) {
    case 'phase-started':
      return [`${at} ${event.phase}...`];
    case 'phase-finished':
      return [];
    case 'plan': {
      const changed = event.changes.filter((c) => c.action !== 'unchanged');
      if (changed.length === 0)
        return [`${at} plan: nothing to change (${event.changes.length} objects up to date)`];
      return [
        `${at} plan: ${changed.length} to change, ${event.changes.length - changed.length} unchanged`,
        ...changed.map(
          (c) =>
            `${at}   ${PLAN_MARKS[c.action] ?? '~'} ${c.id}${PLAN_NOTES[c.action] ?? ''}${c.fields.length ? `: ${c.fields.join(', ')}` : ''}`,
        ),
      ];
    }
    case 'progress':
      return [`${at} ${progressLine(event)}`];
    case 'rollout-complete':
      return [`${at} ${green(style, '✓')} ${progressLine(event)}: verified healthy`];
    case 'unverified':
      return [
        `${at} ${yellow(style, '?')} ${event.target.kind} ${event.target.name}: applied, NOT verified: ${event.summary}`,
      ];
    case 'rollout-failed':
      return [
        `${at} ${red(style, '✗')} ${progressLine({ target: event.target })}rollout failed: ${event.reason}${event.summary && event.summary !== event.reason ? ` (${event.summary})` : ''}`,
        ...event.doomed
          .slice(0, 5)
          .map(
            (d) =>
              `${at}     ${doomedSubject(d)}${d.container ? ` container ${d.container}` : ''}: ${d.reason}: ${d.message}`,
          ),
      ];
    case 'rollout-timeout':
      return [
        `${at} ${red(style, '✗')} ${progressLine({ target: event.target })}${event.outcome === 'interrupted' ? 'interrupted' : 'timed out'} while ${event.summary}${waitingClause(event)}`,
      ];
    case 'evidence':
      return evidenceBlock(event.evidence, at, style);
    case 'rollback-started':
      return [
        `${at} ${yellow(style, '↺')} rolling the whole release back to ${event.toRevision > 0 ? `release ${event.toRevision}` : 'the state before it'} (${event.objects} objects)`,
      ];
    case 'rolled-back':
      return [
        event.healthy
          ? `${at} ${green(style, '✓')} rolled back to ${event.toRevision > 0 ? `release ${event.toRevision}` : 'the state before'} and verified healthy`
          : `${at} ${red(style, '✗')} the rollback did not become healthy`,
      ];
    case 'step-started':
      return [`${at} ${event.name}: ${event.detail}...`];
    case 'hook-log':
      return [`${at}   ${event.hook} | ${event.pod}/${event.container}: ${event.line}`];
    case 'alarm':
      return [
        `${at}   alarm ${event.alarm.name}: ${event.alarm.state === 'ALARM' ? red(style, 'ALARM') : event.alarm.state}${event.alarm.reason ? ` (${event.alarm.reason})` : ''}`,
      ];
    case 'step-finished':
      return stepLines(event.step, at, style);
    case 'pruned':
      return [`${at}   - pruned ${event.id} (no longer in the release)`];
    case 'lease-waiting':
      return [`${at}   ${leaseWaitLine(event.wait, event.at)}`];
    case 'warning':
      return [`${at} ${yellow(style, 'warning:')} ${event.message}`];
  }
}

/** `waiting for the deploy lease web/kubeship-web held by build-7: ...`, with when it expires. */
export function leaseWaitLine(wait: LeaseWait, now: number): string {
  const when = (ms: number) => `${new Date(ms).toISOString().slice(11, 19)}Z`;
  const inSeconds = (ms: number) => `in ${Math.max(0, Math.ceil((ms - now) / 1000))} s`;
  const held = `waiting for the deploy lease ${wait.lease} held by ${wait.holder}`;
  const giveUp = `waiting until ${when(wait.giveUpAt)}`;
  return wait.stale
    ? `${held}, which has not renewed it since ${when(wait.renewedAt)} (stopped or killed?): it expires ${inSeconds(wait.expiresAt)} (${when(wait.expiresAt)}), then this deploy takes it over; ${giveUp}`
    : `${held} (renewed ${when(wait.renewedAt)}; it expires ${inSeconds(wait.expiresAt)}, at ${when(wait.expiresAt)}, unless renewed); ${giveUp}`;
}

/** `; waiting on a (x), b (y)` unless the summary already says what it waits on (a rule's progress does). */
function waitingClause(event: { readonly summary: string; readonly waiting: readonly WaitingPod[] }): string {
  if (event.summary.includes('waiting on ')) return '';
  return `; waiting on ${event.waiting.map((w) => `${w.pod} (${w.reason})`).join(', ') || 'the controller'}`;
}

function stepLines(step: ReleaseStep, at: string, style: HumanStyle): string[] {
  const took = `${((step.finishedAt - step.startedAt) / 1000).toFixed(1)}s`;
  if (step.outcome === 'passed')
    return [`${at} ${green(style, '✓')} ${step.name}: passed in ${took}: ${step.message}`];
  return [
    `${at} ${red(style, '✗')} ${step.name}: ${step.outcome} after ${took}: ${step.message}`,
    ...(step.evidence ? evidenceBlock(step.evidence, at, style) : []),
  ];
}

function evidenceBlock(evidence: Evidence, at: string, style: HumanStyle): string[] {
  const lines = [`${at} ${bold(style, 'evidence')}`];
  for (const event of evidence.events.slice(-15)) {
    lines.push(
      `${at}   event ${event.type} ${event.reason} on ${event.object}${event.count > 1 ? ` (x${event.count})` : ''}: ${event.message}`,
    );
  }
  for (const log of evidence.logs) {
    if (log.unavailable) {
      lines.push(`${at}   logs of ${log.pod}/${log.container}: ${log.unavailable}`);
      continue;
    }
    lines.push(`${at}   last ${log.lines?.length ?? 0} log lines of ${log.pod}/${log.container}:`);
    for (const line of log.lines ?? []) lines.push(`${at}     | ${line}`);
  }
  return lines;
}

/** Pure: the closing summary of a deploy. */
export function formatResult(result: DeployResult, style: HumanStyle): string[] {
  const headline =
    result.outcome === 'deployed'
      ? green(style, `DEPLOYED: ${result.message}`)
      : result.outcome === 'rolled-back'
        ? yellow(style, `ROLLED BACK: ${result.message}`)
        : red(style, `FAILED: ${result.message}`);
  const lines = [bold(style, headline)];
  lines.push(
    `  release ${result.revision}${result.previousRevision ? ` (previous: ${result.previousRevision})` : ' (first)'}`,
  );
  for (const d of result.deployments) {
    const rollback = d.rollback
      ? d.rollback.healthy
        ? `, rolled back (${d.rollback.images.join(', ')})`
        : `, rollback failed: ${d.rollback.error ?? 'not healthy'}`
      : '';
    const revisions =
      d.kind === 'Deployment' ? `, Deployment revision ${d.revisionBefore} -> ${d.revisionAfter}` : '';
    lines.push(
      `  ${d.kind} ${d.namespace}/${d.name}: ${d.verdict}${revisions}, ${d.images.join(', ')}${rollback}`,
    );
  }
  const others = result.objects.filter(
    (o) => !result.deployments.some((d) => d.kind === o.kind && d.name === o.name),
  );
  const count = (verdict: string) => others.filter((o) => o.verdict === verdict).length;
  if (others.length > 0) {
    lines.push(
      `  other objects: ${count('complete')} verified, ${count('applied')} applied (no runtime status), ${count('unverified')} not verified, ${count('failed')} failed`,
    );
  }
  for (const o of others.filter((o) => o.verdict === 'unverified'))
    lines.push(`  NOT verified: ${o.id}: ${o.summary}`);
  for (const step of result.steps ?? [])
    lines.push(`  ${step.name}: ${step.outcome}${step.reason ? ` (${step.reason})` : ''}`);
  for (const id of result.pruned) lines.push(`  pruned: ${id}`);
  const bundle = result.evidenceBundle;
  if (bundle) lines.push(`  evidence: ${[bundle.url, bundle.path].filter(Boolean).join(', ')}`);
  const phases = Object.entries(result.durationsMs).map(
    ([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)}s`,
  );
  lines.push(`  took ${((result.finishedAt - result.startedAt) / 1000).toFixed(1)}s (${phases.join(', ')})`);
  return lines;
}
