import { noSuchRelease, readHistory, readRecord } from '../release/history.ts';
import { deployObjects } from './engine.ts';
import type { DeployObjectsOptions, DeployResult } from './types.ts';

/** Options of {@link rollbackRelease}: a deploy's options without its objects. */
export interface RollbackReleaseOptions
  extends Omit<DeployObjectsOptions, 'objects' | 'restoredFrom' | 'namespace'> {
  /** Where the app's release records are. */
  readonly namespace: string;
  /** The release revision to go back to (default: the last deployed one before the current). */
  readonly toRevision?: number;
}

/**
 * Puts a recorded release back through the same engine path as a deploy (lease, plan, dry-run,
 * apply, per-kind verification, prune, record): its object set, config content included, becomes
 * a new release. INVALID_INPUT (nothing changed) when there is no such revision.
 */
export async function rollbackRelease(options: RollbackReleaseOptions): Promise<DeployResult> {
  const ref = { app: options.app, namespace: options.namespace };
  const history = await readHistory(options.kubeConfig, ref);
  const deployed = history.filter((r) => r.outcome === 'deployed');
  const current = deployed.at(-1);
  const wanted =
    options.toRevision === undefined
      ? deployed.filter((r) => r.revision < (current?.revision ?? 0)).at(-1)
      : history.find((r) => r.revision === options.toRevision);
  const record = wanted ? await readRecord(options.kubeConfig, ref, wanted.revision) : undefined;
  if (!record) {
    throw noSuchRelease(ref, history, {
      key: '--to-revision',
      revision: options.toRevision,
      missing: 'no earlier deployed release to roll back to',
    });
  }
  const { toRevision: _, ...rest } = options;
  return deployObjects({
    ...rest,
    objects: record.objects.map(({ metadata: { labels, ...metadata }, ...object }) => ({
      ...object,
      metadata: { ...metadata, ...(labels ? { labels } : {}) },
    })),
    restoredFrom: record.revision,
    changeCause: options.changeCause ?? `kubeship rollback to release ${record.revision}`,
  });
}
