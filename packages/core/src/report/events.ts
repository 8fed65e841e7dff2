import type { ChangeAction } from '../apply/plan.ts';
import type { Evidence } from '../rollout/diagnostics.ts';
import type { DoomedPod, RolloutCounts, WaitingPod } from '../rollout/predicates.ts';
import type { RolloutTarget } from '../rollout/tracker.ts';

/** The phases of a deploy, in order. */
export type DeployPhase =
  | 'config'
  | 'lock'
  | 'plan'
  | 'dry-run'
  | 'apply'
  | 'rollout'
  | 'diagnose'
  | 'rollback'
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
        readonly action: ChangeAction;
        readonly fields: readonly string[];
      }>;
    }
  | {
      readonly type: 'progress';
      readonly at: number;
      readonly target: RolloutTarget;
      readonly counts: RolloutCounts;
      readonly waiting: readonly WaitingPod[];
    }
  | {
      readonly type: 'rollout-complete';
      readonly at: number;
      readonly target: RolloutTarget;
      readonly counts: RolloutCounts;
    }
  | {
      readonly type: 'rollout-failed';
      readonly at: number;
      readonly target: RolloutTarget;
      readonly reason: string;
      readonly doomed: readonly DoomedPod[];
    }
  | {
      readonly type: 'rollout-timeout';
      readonly at: number;
      readonly target: RolloutTarget;
      readonly waiting: readonly WaitingPod[];
    }
  | {
      readonly type: 'evidence';
      readonly at: number;
      readonly target: RolloutTarget;
      readonly evidence: Evidence;
    }
  | {
      readonly type: 'rollback-started';
      readonly at: number;
      readonly target: RolloutTarget;
      readonly toRevision: number;
    }
  | {
      readonly type: 'rolled-back';
      readonly at: number;
      readonly target: RolloutTarget;
      readonly healthy: boolean;
    }
  | { readonly type: 'warning'; readonly at: number; readonly message: string };

/** Receives deploy events as they happen. */
export type DeployEventListener = (event: DeployEvent) => void;
