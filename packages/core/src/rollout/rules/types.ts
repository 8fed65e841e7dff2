import type {
  CoreV1Event,
  V1ControllerRevision,
  V1Job,
  V1Pod,
  V1ReplicaSet,
  V1StorageClass,
} from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import type { DoomedPod, FailureRules, RolloutCounts, WaitingPod } from '../predicates.ts';

export type { KubeObject };

/** What a watch of an object's namespace provides to its rule (as last seen in the watch cache). */
export interface NamespaceView {
  pods(): readonly V1Pod[];
  replicaSets(): readonly V1ReplicaSet[];
  /** core/v1 Events of the namespace (FailedCreate of StatefulSets and DaemonSets, PVC provisioning). */
  events(): readonly CoreV1Event[];
  jobs(): readonly V1Job[];
  /** ControllerRevisions of the namespace (a DaemonSet's current template hash). */
  controllerRevisions(): readonly V1ControllerRevision[];
  /** StorageClasses of the cluster, when the tracker watches them (PVC binding mode). */
  storageClasses?(): readonly V1StorageClass[];
}

/** The related collections a rule reads from its {@link NamespaceView}. */
export type RelatedCollection = 'pods' | 'replicaSets' | 'events' | 'jobs' | 'controllerRevisions';

/** Thresholds of the rules: the pod failure rules, with every grace period set. */
export interface JudgeRules extends FailureRules {
  readonly imagePullGraceMs: number;
  /** How long an HPA may fail to read its metrics or its target (default 60 s). */
  readonly metricsGraceMs?: number;
}

/** When and how strictly an object is judged. */
export interface JudgeContext {
  readonly rules: JudgeRules;
  /** The moment of judging (ms since the epoch). */
  readonly now: number;
  /** When this deploy applied the object: conditions and events older than this are history. */
  readonly appliedAt: number;
}

/** One object's health at one moment, as its rule judges it. */
export type Health =
  | {
      readonly status: 'progressing';
      readonly summary: string;
      readonly counts?: RolloutCounts;
      readonly waiting: readonly WaitingPod[];
      /** When the verdict may change without any new watch event (a grace period running out). */
      readonly recheckAt?: number;
    }
  | { readonly status: 'healthy'; readonly summary: string; readonly counts?: RolloutCounts }
  | {
      readonly status: 'failed';
      readonly reason: string;
      readonly summary: string;
      readonly doomed: readonly DoomedPod[];
      readonly counts?: RolloutCounts;
    }
  /** No rule can tell (e.g. a custom resource without status). */
  | { readonly status: 'unverified'; readonly summary: string };

/** The health rule of one kind: pure, judging only the object and its namespace view. */
export interface HealthRule {
  /** The kind it judges, e.g. `StatefulSet`; `generic` for the conditions fallback. */
  readonly name: string;
  /** Related collections the tracker must watch in the object's namespace for this rule. */
  readonly needs: readonly RelatedCollection[];
  /**
   * Existence is all there is to check (ConfigMap, Secret, RBAC, ClusterIP Service, ...): report
   * the object as "applied", not "verified".
   */
  readonly staticKind?: boolean;
  /** How long this kind usually needs at most, when longer than a pod rollout (load balancers). */
  readonly timeoutMs?: number;
  judge(object: KubeObject, view: NamespaceView, context: JudgeContext): Health;
}
