import type { DeployResult } from '../deploy/engine.ts';
import type { Evidence } from '../rollout/diagnostics.ts';
import type { RolloutProgress } from '../rollout/tracker.ts';
import type { DeployEvent } from './events.ts';

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

/** `web: 2/3 updated, 1/3 available`, the progress line of one Deployment. */
export function progressLine(progress: Pick<RolloutProgress, 'target' | 'counts'>): string {
  const { desired, updated, available } = progress.counts;
  return `${progress.target.name}: ${updated}/${desired} updated, ${available}/${desired} available`;
}

/** The "still waiting" line a reporter repeats while nothing changes. */
export function stillWaitingLine(progress: RolloutProgress): string {
  const pods = progress.waiting.slice(0, 3).map((w) => `${w.pod} (${w.reason})`);
  const more = progress.waiting.length > 3 ? ` and ${progress.waiting.length - 3} more` : '';
  return `still waiting for ${progressLine(progress)}${pods.length ? `; pods: ${pods.join(', ')}${more}` : ''}`;
}

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
            `${at}   ${c.action === 'create' ? '+' : '~'} ${c.id}${c.fields.length ? `: ${c.fields.join(', ')}` : ''}`,
        ),
      ];
    }
    case 'progress':
      return [`${at} ${progressLine(event)}`];
    case 'rollout-complete':
      return [`${at} ${green(style, '✓')} ${progressLine(event)}: rollout complete`];
    case 'rollout-failed':
      return [
        `${at} ${red(style, '✗')} ${event.target.name}: rollout failed: ${event.reason}`,
        ...event.doomed
          .slice(0, 5)
          .map(
            (d) =>
              `${at}     pod ${d.pod}${d.container ? ` container ${d.container}` : ''}: ${d.reason}: ${d.message}`,
          ),
      ];
    case 'rollout-timeout':
      return [
        `${at} ${red(style, '✗')} ${event.target.name}: timed out; waiting on ${event.waiting.map((w) => `${w.pod} (${w.reason})`).join(', ') || 'the controller'}`,
      ];
    case 'evidence':
      return evidenceBlock(event.evidence, at, style);
    case 'rollback-started':
      return [
        `${at} ${yellow(style, '↺')} ${event.target.name}: rolling back to revision ${event.toRevision}`,
      ];
    case 'rolled-back':
      return [
        event.healthy
          ? `${at} ${green(style, '✓')} ${event.target.name}: rolled back and verified healthy`
          : `${at} ${red(style, '✗')} ${event.target.name}: the rollback did not become healthy`,
      ];
    case 'warning':
      return [`${at} ${yellow(style, 'warning:')} ${event.message}`];
  }
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
  for (const d of result.deployments) {
    const rollback = d.rollback
      ? d.rollback.healthy
        ? `, rolled back to revision ${d.rollback.toRevision} (${d.rollback.images.join(', ')})`
        : `, rollback failed: ${d.rollback.error ?? 'not healthy'}`
      : '';
    lines.push(
      `  ${d.namespace}/${d.name}: ${d.verdict}, revision ${d.revisionBefore} -> ${d.revisionAfter}, ${d.images.join(', ')}${rollback}`,
    );
  }
  const phases = Object.entries(result.durationsMs).map(
    ([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)}s`,
  );
  lines.push(`  took ${((result.finishedAt - result.startedAt) / 1000).toFixed(1)}s (${phases.join(', ')})`);
  return lines;
}
