// The objects of a release as a deploy applies them: one function for the engine and for
// `kubeship diff`, so a preview shows exactly what a deploy of the same input would apply.
import type * as k8s from '@kubernetes/client-node';
import { type KubeObject, withChangeCause } from '@kubeship/manifests';
import { type HookPhase, hookJob, splitHooks } from '../gates/hooks.ts';
import { appApplySetId, withMembership } from '../release/applyset.ts';
import { readHistory } from '../release/history.ts';
import type { ReleaseSummary } from '../release/record.ts';
import { hpaSafe } from './_hpa-safe.ts';

/** What decides the objects of a release: the app, its record namespace, the objects, the change cause. */
export interface ReleaseInput {
  readonly app: string;
  /** The namespace of the app's lease and release records (default: the first namespaced object's). */
  readonly namespace?: string;
  readonly objects: readonly KubeObject[];
  /** Recorded as `kubernetes.io/change-cause` on each workload. */
  readonly changeCause?: string;
}

/** Pure: the namespace of an app's lease and release records: given, else the first Deployment's, else any. */
export const recordNamespace = (input: ReleaseInput): string =>
  input.namespace ??
  input.objects.find((o) => o.kind === 'Deployment')?.metadata.namespace ??
  input.objects.find((o) => o.metadata.namespace)?.metadata.namespace ??
  'default';

/**
 * Pure: the release's members as applied, stamped with the change cause and the ApplySet
 * membership label, and its hooks (Jobs run at their phase, never members).
 */
export function releaseObjects(input: ReleaseInput) {
  const namespace = recordNamespace(input);
  const applySetId = appApplySetId(input.app, namespace);
  const split = splitHooks(input.objects);
  return {
    namespace,
    applySetId,
    objects: withMembership(
      split.objects.map((object) => withChangeCause(object, input.changeCause)),
      applySetId,
    ),
    hooks: split.hooks,
  };
}

/** Pure: the revision the next release of an app gets. */
export const nextRevision = (history: readonly ReleaseSummary[]): number =>
  Math.max(0, ...history.map((r) => r.revision)) + 1;

/** A release as a deploy of it would apply it, read from the cluster without changing anything. */
export interface ReleasePreview {
  readonly revision: number;
  /** The members, with autoscaled replica counts left to their HPA (see the warnings). */
  readonly objects: readonly KubeObject[];
  /** The Job each hook runs for this revision (`<name>-r<revision>`), with its phase. */
  readonly hookRuns: ReadonlyArray<{ readonly phase: HookPhase; readonly job: KubeObject }>;
  readonly warnings: readonly string[];
}

/**
 * Previews a release: the same objects `deployObjects` would apply for this input (membership
 * labels, change cause, HPA-safe replicas) and the hook runs of the next revision. Reads only.
 */
export async function previewRelease(kc: k8s.KubeConfig, input: ReleaseInput): Promise<ReleasePreview> {
  const release = releaseObjects(input);
  const revision = nextRevision(await readHistory(kc, { app: input.app, namespace: release.namespace }));
  const safe = await hpaSafe(kc, release.objects);
  return {
    revision,
    objects: safe.objects,
    hookRuns: release.hooks.map((hook) => ({
      phase: hook.phase,
      job: hookJob(hook, { app: input.app, revision }),
    })),
    warnings: safe.warnings,
  };
}
