// The options of a deploy and what it returns.
import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import type { AccessExplainer } from '../access/rights.ts';
import type { PlannedChange } from '../apply/plan.ts';
import type { Clock } from '../clock.ts';
import type { KubeshipErrorCode } from '../errors.ts';
import type { DeployEventListener, DeployPhase } from '../events/deploy-events.ts';
import type { ReleaseStep } from '../events/steps.ts';
import type { EvidenceBundle, EvidenceOptions } from '../evidence/save.ts';
import type { AlarmGateOptions } from '../gates/alarms.ts';
import type { BlueGreenOptions, CanaryOptions, Strategy } from '../progressive/strategy.ts';
import type { Evidence } from '../rollout/diagnostics.ts';
import type { RolloutVerdict } from '../rollout/tracker.ts';
import type { RestoreOutcome } from './_restore.ts';

/** A Kubernetes object as kubeship applies it. */
export type Manifest = KubeObject;

/** Options of {@link deployObjects}. */
export interface DeployObjectsOptions {
  readonly kubeConfig: k8s.KubeConfig;
  /** The app being deployed: names the deploy lease and the release history. */
  readonly app: string;
  /** The namespace of the app's lease and release records (default: the first namespaced object's). */
  readonly namespace?: string;
  /** Validated objects in apply order; namespaced ones carry their namespace. */
  readonly objects: readonly Manifest[];
  /** Recorded as `kubernetes.io/change-cause` on each workload and in the release record. */
  readonly changeCause?: string;
  /** Provenance kept in the release record: commit, build id, pipeline execution. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The release revision this deploy restores (set by `rollbackRelease`). */
  readonly restoredFrom?: number;
  /** How long the rollout may take (default 10 minutes). */
  readonly timeoutMs?: number;
  /** How long verifying a rollback may take (default: `timeoutMs`). */
  readonly rollbackTimeoutMs?: number;
  /** Put the previous release back when this one fails (default true). */
  readonly rollback?: boolean;
  /** Delete objects the previous release had and this one has not, once it is healthy (default true). */
  readonly prune?: boolean;
  /**
   * Allow pruning every workload of the app, or more than half of its objects (default false:
   * such a release is refused with PRUNE_REFUSED before anything changes).
   */
  readonly allowMassPrune?: boolean;
  /**
   * Namespaces to create when they do not exist (`deploy --create-namespace`). They are not
   * members of the release: a later prune or uninstall leaves them. A deploy that stops before it
   * changed anything removes the ones it created, as it does the release's own Namespaces.
   */
  readonly createNamespaces?: readonly string[];
  /** Release records kept per app (default 10). */
  readonly historyLimit?: number;
  /** Take over fields another field manager owns (default false). */
  readonly force?: boolean;
  /** The deploy lease: holder (build id) and how long to wait for another deploy (default 0). */
  readonly lease?: { readonly holder: string; readonly waitMs?: number; readonly durationSeconds?: number };
  readonly maxRestarts?: number;
  readonly unschedulableGraceMs?: number;
  readonly imagePullGraceMs?: number;
  /** How long an HPA may fail to read metrics or its target before it fails the release (default 60 s). */
  readonly metricsGraceMs?: number;
  readonly logLines?: number;
  /**
   * CloudWatch alarms that gate the release: checked before anything changes (one already in
   * ALARM refuses the deploy), then watched for `bakeMs` once the release is healthy.
   */
  readonly alarms?: AlarmGateOptions;
  /**
   * Ship one Deployment through canary steps instead of updating it in place: a `<name>-canary`
   * Deployment with the new template behind the same Service, sized to each step's share and
   * baked (with the alarm gate); then the stable one is updated and the canary removed. Any
   * failure removes the canary and leaves the stable Deployment untouched. A first release (no
   * stable Deployment yet) is deployed in full.
   */
  readonly canary?: CanaryOptions;
  /**
   * Ship one Deployment blue/green: the new template runs as `<name>-green` at the stable size
   * and is verified; the Service then selects only green pods while the stable ones (blue) keep
   * running for `keepMs` under the alarm gate, so a failure or SIGTERM switches traffic back at
   * once; then the stable Deployment is updated under no traffic, verified, the Service selects
   * it again and green is removed.
   */
  readonly blueGreen?: BlueGreenOptions;
  /**
   * The evidence bundle: written when the release fails, before it is rolled back (and, with
   * `always`, for a healthy release too) into a directory and/or S3; see `saveEvidence`.
   */
  readonly evidence?: EvidenceOptions;
  /** Says why rights the access review found missing are missing (a ClusterConnection's `explainAccess`). */
  readonly explainAccess?: AccessExplainer;
  /** `kubeship/<version>`, the ApplySet tooling annotation. */
  readonly tooling?: string;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: DeployEventListener;
}

/** How one object of the release fared. */
export interface ObjectOutcome {
  readonly id: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** complete: verified healthy by its kind's rule; applied: nothing to verify; unverified: no rule could tell. */
  readonly verdict: RolloutVerdict['outcome'];
  readonly summary: string;
  readonly reason?: string;
}

/** How one workload (Deployment, StatefulSet, DaemonSet, Job, ...) fared. */
export interface DeploymentOutcome {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The Deployment revision before and after (0 for other kinds). */
  readonly revisionBefore: number;
  readonly revisionAfter: number;
  readonly images: readonly string[];
  readonly verdict: RolloutVerdict['outcome'];
  readonly reason?: string;
  readonly summary?: string;
  readonly waiting?: readonly { readonly pod: string; readonly reason: string }[];
  readonly evidence?: Evidence;
  readonly rollback?: {
    readonly toRevision: number;
    readonly images: readonly string[];
    readonly healthy: boolean;
    readonly error?: string;
  };
}

/** The result of a deploy. `code` is set when it did not end deployed and healthy. */
export interface DeployResult {
  readonly outcome: 'deployed' | 'rolled-back' | 'failed';
  readonly code?: KubeshipErrorCode;
  readonly message: string;
  /** The release revision this deploy recorded, and the one it replaced (0: none). */
  readonly revision: number;
  readonly previousRevision: number;
  readonly changes: ReadonlyArray<{
    readonly id: string;
    readonly action: PlannedChange['action'] | 'prune';
    readonly fields: readonly string[];
  }>;
  /** Every object of the release with its verdict (none when a pre-deploy hook stopped it before any change). */
  readonly objects: readonly ObjectOutcome[];
  /** The workloads, with evidence and rollback details. */
  readonly deployments: readonly DeploymentOutcome[];
  /** Objects deleted because the release no longer has them. */
  readonly pruned: readonly string[];
  /** API server warnings (Pod Security, deprecations) and kubeship's own (autoscaled replicas). */
  readonly warnings: readonly string[];
  readonly rollback?: RestoreOutcome;
  /**
   * Set when an error stopped the release after something was applied (the cluster unreachable,
   * RBAC refusing the watch or the rollback): the phase it stopped in and the error. The cluster
   * was changed and is not verified: the result is ROLLBACK_FAILED (a human must look), or
   * INTERRUPTED when the error was the deploy being cancelled.
   */
  readonly stopped?: {
    readonly phase: DeployPhase;
    readonly code: KubeshipErrorCode;
    readonly message: string;
  };
  /** How the release was shipped: `rolling` (every workload updated in place); always set by deployObjects. */
  readonly strategy?: Strategy;
  /** The gates the release went through, in order (hooks, the alarm bake); always set by deployObjects. */
  readonly steps?: readonly ReleaseStep[];
  /** Where the evidence bundle went (with the `evidence` option, when one was written). */
  readonly evidenceBundle?: EvidenceBundle;
  readonly durationsMs: Readonly<Partial<Record<DeployPhase, number>>>;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** What {@link checkObjects} found: a deploy of these objects would be allowed. */
export interface CheckResult {
  /** The changes a deploy would make (Secret values never shown). */
  readonly changes: DeployResult['changes'];
  /** The dry-run's warnings (Pod Security, deprecations) and kubeship's own. */
  readonly warnings: readonly string[];
  /** The release revision a deploy would record, and the one it would replace (0: none). */
  readonly revision: number;
  readonly previousRevision: number;
  /** How many distinct rights the access review asked about (0: the cluster refused the review). */
  readonly rightsReviewed: number;
  readonly durationsMs: Readonly<Partial<Record<DeployPhase, number>>>;
}
