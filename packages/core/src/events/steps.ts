import type { Evidence } from '../rollout/diagnostics.ts';

/** A CloudWatch alarm as a gate read it. */
export interface AlarmReading {
  readonly name: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** CloudWatch's explanation of the state (`Threshold Crossed: 1 datapoint ...`). */
  readonly reason: string;
  /** When the alarm entered its state (ms since epoch; 0 when CloudWatch did not say). */
  readonly since: number;
}

/**
 * One gate of a release beyond the per-kind health rules: a hook Job, an alarm bake, a canary
 * step. Each is a line in the human log, an entry in the JSON report and a JUnit test case.
 */
export interface ReleaseStep {
  readonly kind: 'hook' | 'bake' | 'canary' | 'blue-green';
  /** Says what it is: `pre-deploy hook migrate`, `post-deploy hook smoke`, `alarm bake`, `canary step 2 (50%)`. */
  readonly name: string;
  readonly outcome: 'passed' | 'failed' | 'timeout' | 'interrupted';
  /** Why it did not pass: the Job rule's reason (`BackoffLimitExceeded`), `AlarmTriggered`, ... */
  readonly reason?: string;
  readonly message: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** A hook's Job, as it ran (kept for inspection when it failed). */
  readonly job?: string;
  /** The alarms that stopped a bake (or refused it), with CloudWatch's state reason. */
  readonly alarms?: readonly AlarmReading[];
  /** Events, container states and log tails of a failed hook's pods. */
  readonly evidence?: Evidence;
}

/** True when a step stopped the release. */
export const stepFailed = (step: ReleaseStep): boolean => step.outcome !== 'passed';
