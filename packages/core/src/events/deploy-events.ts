import type { ChangeAction } from '../apply/plan.ts';
import type { Evidence } from '../rollout/diagnostics.ts';
import type { DoomedPod, RolloutCounts, WaitingPod } from '../rollout/predicates.ts';
import type { AlarmReading, ReleaseStep } from './steps.ts';

/** The object an event is about: `kind` and `name`, and `namespace` ('' for cluster-scoped kinds). */
export interface EventTarget {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** The phases of a deploy, in order. */
export type DeployPhase =
  | 'config'
  | 'lock'
  | 'plan'
  | 'access'
  | 'alarm-check'
  | 'dry-run'
  | 'pre-deploy'
  | 'apply'
  | 'rollout'
  | 'canary'
  | 'post-deploy'
  | 'bake'
  | 'diagnose'
  | 'evidence'
  | 'rollback'
  | 'prune'
  | 'record'
  | 'release';

/**
 * Everything a deploy reports while it runs. The library only emits these; reporters (human
 * lines, JSON) decide how to show them. No event ever carries a secret value.
 */
export type DeployEvent =
  | { readonly type: 'phase-started'; readonly phase: DeployPhase; readonly at: number }
  | {
      readonly type: 'phase-finished';
      readonly phase: DeployPhase;
      readonly at: number;
      readonly durationMs: number;
    }
  | {
      readonly type: 'plan';
      readonly at: number;
      readonly changes: ReadonlyArray<{
        readonly id: string;
        readonly action: ChangeAction | 'prune';
        readonly fields: readonly string[];
      }>;
    }
  | {
      readonly type: 'progress';
      readonly at: number;
      readonly target: EventTarget;
      readonly summary: string;
      readonly counts?: RolloutCounts;
      readonly waiting: readonly WaitingPod[];
    }
  | {
      readonly type: 'rollout-complete';
      readonly at: number;
      readonly target: EventTarget;
      readonly summary: string;
      readonly counts?: RolloutCounts;
    }
  | {
      readonly type: 'rollout-failed';
      readonly at: number;
      readonly target: EventTarget;
      readonly reason: string;
      readonly summary: string;
      readonly doomed: readonly DoomedPod[];
    }
  | {
      readonly type: 'rollout-timeout';
      readonly at: number;
      readonly target: EventTarget;
      /** `timeout`, or `interrupted` (SIGTERM, an aborted signal). */
      readonly outcome: 'timeout' | 'interrupted';
      readonly summary: string;
      readonly waiting: readonly WaitingPod[];
    }
  | {
      /** An object no rule could judge (a custom resource without status): applied, not verified. */
      readonly type: 'unverified';
      readonly at: number;
      readonly target: EventTarget;
      readonly summary: string;
    }
  | {
      readonly type: 'evidence';
      readonly at: number;
      readonly target: EventTarget;
      readonly evidence: Evidence;
    }
  | {
      /** The whole previous release is being put back: `toRevision` 0 is the state before kubeship. */
      readonly type: 'rollback-started';
      readonly at: number;
      readonly toRevision: number;
      readonly objects: number;
    }
  | {
      readonly type: 'rolled-back';
      readonly at: number;
      readonly toRevision: number;
      readonly healthy: boolean;
    }
  | {
      /** A gate began: a hook Job, an alarm bake. */
      readonly type: 'step-started';
      readonly at: number;
      readonly kind: ReleaseStep['kind'];
      readonly name: string;
      readonly detail: string;
    }
  | { readonly type: 'step-finished'; readonly at: number; readonly step: ReleaseStep }
  | {
      /** A line a hook's container logged, as it ran. */
      readonly type: 'hook-log';
      readonly at: number;
      readonly hook: string;
      readonly pod: string;
      readonly container: string;
      readonly line: string;
    }
  | {
      /** A gating alarm read for the first time, or in a new state. */
      readonly type: 'alarm';
      readonly at: number;
      readonly alarm: AlarmReading;
    }
  | {
      /** Another deploy holds the app's deploy lease and this one waits for it (see `LeaseWait`). */
      readonly type: 'lease-waiting';
      readonly at: number;
      readonly wait: LeaseWait;
    }
  | { readonly type: 'pruned'; readonly at: number; readonly id: string }
  | { readonly type: 'warning'; readonly at: number; readonly message: string };

/** Receives deploy events as they happen. */
export type DeployEventListener = (event: DeployEvent) => void;

/** What a deploy waiting for the lease knows about its holder; see {@link LeaseOptions.onWaiting}. */
export interface LeaseWait {
  /** `namespace/name` of the Lease. */
  readonly lease: string;
  /** Who holds it: the other deploy's build id. */
  readonly holder: string;
  /** When the holder last renewed it (ms since the epoch). */
  readonly renewedAt: number;
  /** When it expires unless renewed; an expired lease is taken over. */
  readonly expiresAt: number;
  /**
   * The holder missed its renewals (it renews every third of the lease duration): it was most
   * likely stopped or killed, and the lease is taken over at `expiresAt`.
   */
  readonly stale: boolean;
  /** When this deploy stops waiting (DEPLOY_LOCKED). */
  readonly giveUpAt: number;
}
