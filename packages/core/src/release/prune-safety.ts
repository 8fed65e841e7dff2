import { type KubeObject, WORKLOAD_KINDS } from '@kubeship/manifests';
import { objectId } from '../apply/plan.ts';
import { configObjectNames } from '../config/index.ts';
import { KubeshipError } from '../errors.ts';

// One rule for what a release may delete: only the objects the user's source produced count
// (kubeship's own SSM ConfigMap and Secret are made for the app, never by it), and a release that
// would take away every workload of the app, or most of what it had, is refused before anything
// changes unless the user said so (`--allow-mass-prune`, `allowMassPrune: true`).

/** A release may prune at most this share of the objects its source produced before (more is refused). */
export const MAX_PRUNE_SHARE = 0.5;

/** How the refusal names the two ways to allow a mass prune. */
export const ALLOW_MASS_PRUNE = { flag: '--allow-mass-prune', key: 'allowMassPrune' } as const;

/**
 * Pure: whether `object` is one kubeship builds for `app` from SSM: its `<app>-config` ConfigMap
 * or `<app>-secrets` Secret, labelled as managed by kubeship (the config builder's labels).
 */
export function isGeneratedConfig(object: KubeObject, app: string): boolean {
  const names = configObjectNames(app);
  return (
    object.apiVersion === 'v1' &&
    object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kubeship' &&
    ((object.kind === 'ConfigMap' && object.metadata.name === names.configMap) ||
      (object.kind === 'Secret' && object.metadata.name === names.secret))
  );
}

/** Pure: the objects of a release (or inventory) that the user's source produced. */
export function sourceObjects(objects: readonly KubeObject[], app: string): KubeObject[] {
  return objects.filter((object) => !isGeneratedConfig(object, app));
}

/** Pure: refuses a release whose source produced nothing (only kubeship's generated objects are left). */
export function assertReleaseHasObjects(objects: readonly KubeObject[], app: string): void {
  if (sourceObjects(objects, app).length > 0) return;
  const generated = objects.map(objectId);
  throw new KubeshipError(
    'INVALID_INPUT',
    `nothing to deploy: the release of ${app} has no objects${generated.length > 0 ? ` of its own (only kubeship's ${generated.join(', ')})` : ''}`,
    { details: { app } },
  );
}

/** What {@link assertPruneSafe} judges. */
export interface PruneSafetyInput {
  readonly app: string;
  /** The objects of the release being deployed. */
  readonly objects: readonly KubeObject[];
  /** The previous release's inventory. */
  readonly previous: readonly KubeObject[];
  /** What the release would prune. */
  readonly toPrune: readonly KubeObject[];
  /** The user allowed a mass prune explicitly. */
  readonly allowMassPrune: boolean;
}

/**
 * Pure: why pruning `toPrune` is a mass prune, or undefined when it is not: the release leaves
 * the app without any of the workloads it had, or prunes more than {@link MAX_PRUNE_SHARE} of the
 * objects the source produced before (counting only source objects on both sides).
 */
export function massPruneReason(input: Omit<PruneSafetyInput, 'allowMassPrune'>): string | undefined {
  const pruned = sourceObjects(input.toPrune, input.app);
  if (pruned.length === 0) return undefined;
  const before = sourceObjects(input.previous, input.app);
  const prunedWorkloads = pruned.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const keepsWorkload = input.objects.some((o) => WORKLOAD_KINDS.has(o.kind));
  if (prunedWorkloads.length > 0 && !keepsWorkload)
    return `it would prune every workload of ${input.app} (${prunedWorkloads.map(objectId).join(', ')}) and ship none`;
  if (pruned.length >= 2 && pruned.length > before.length * MAX_PRUNE_SHARE)
    return `it would prune ${pruned.length} of the ${before.length} objects of the previous release (more than ${MAX_PRUNE_SHARE * 100}%): ${pruned.map(objectId).join(', ')}`;
  return undefined;
}

/**
 * Refuses (PRUNE_REFUSED, before any change) a release that would prune every workload of the
 * app or most of its objects, unless the user allowed it; the message names the flag and the
 * config key that allow it, and `--no-prune` that keeps everything.
 */
export function assertPruneSafe(input: PruneSafetyInput): void {
  if (input.allowMassPrune) return;
  const reason = massPruneReason(input);
  if (!reason) return;
  throw new KubeshipError(
    'PRUNE_REFUSED',
    `refusing the release of ${input.app}: ${reason}. Nothing was changed. If the source is right and this is meant, deploy with ${ALLOW_MASS_PRUNE.flag} (or set ${ALLOW_MASS_PRUNE.key}: true on the environment); to keep the objects, deploy with --no-prune`,
    { details: { app: input.app, pruned: input.toPrune.map(objectId) } },
  );
}
