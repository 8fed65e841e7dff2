import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeObject } from '@kubeship/manifests';
import { KubeshipError } from '../errors.ts';
import { RELEASE_LABELS } from './applyset.ts';

/** How a release ended, as its record keeps it. */
export type ReleaseOutcome = 'deployed' | 'rolled-back' | 'failed';

/** One release of an app, as kubeship keeps it in the cluster (a Secret beside the app). */
export interface ReleaseRecord {
  readonly app: string;
  readonly namespace: string;
  readonly revision: number;
  readonly outcome: ReleaseOutcome;
  /** The objects exactly as applied (config content included, so a rollback restores it). */
  readonly objects: readonly KubeObject[];
  readonly images: readonly string[];
  readonly changeCause?: string;
  readonly configChecksum?: string;
  /** Free-form provenance: commit, build id, pipeline execution. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The revision this one rolled back to, or was restored from (`kubeship rollback`). */
  readonly restoredFrom?: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** The facts of a record that can be listed without decoding its objects. */
export type ReleaseSummary = Omit<ReleaseRecord, 'objects'>;

/** The Secret type of release records. */
export const RECORD_SECRET_TYPE = 'kubeship.dev/release.v1';
/** The apiserver refuses objects over about 1.5 MiB; a Secret's data must stay under 1 MiB. */
const MAX_RECORD_BYTES = 1024 * 1024 - 4096;

/** `kubeship.<app>.v<N>`, the Secret of one release record. */
export function recordSecretName(app: string, revision: number): string {
  return `kubeship.${app}.v${revision}`;
}

/**
 * Pure: the Secret that stores a record: the summary in annotations (readable without decoding),
 * the objects gzip-compressed. Throws INVALID_INPUT when even compressed the release does not fit.
 */
export function encodeRecord(record: ReleaseRecord): KubeObject {
  const { objects, ...summary } = record;
  const payload = gzipSync(Buffer.from(JSON.stringify(record)));
  if (payload.length > MAX_RECORD_BYTES) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `the release of ${record.app} is too large to record: ${objects.length} objects compress to ${payload.length} bytes (limit ${MAX_RECORD_BYTES})`,
      { details: { app: record.app, bytes: payload.length } },
    );
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: RECORD_SECRET_TYPE,
    metadata: {
      name: recordSecretName(record.app, record.revision),
      namespace: record.namespace,
      labels: {
        [RELEASE_LABELS.app]: record.app,
        [RELEASE_LABELS.role]: 'release-record',
        [RELEASE_LABELS.revision]: String(record.revision),
      },
      annotations: { 'kubeship.dev/summary': JSON.stringify(summary) },
    },
    data: { release: payload.toString('base64') },
  };
}

/** Pure: the record a Secret holds, or undefined when it is not a readable record. */
export function decodeRecord(secret: { data?: Record<string, string> }): ReleaseRecord | undefined {
  const payload = secret.data?.release;
  if (!payload) return undefined;
  try {
    const record = JSON.parse(gunzipSync(Buffer.from(payload, 'base64')).toString('utf8')) as ReleaseRecord;
    return Number.isInteger(record.revision) && Array.isArray(record.objects) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: the summary of a record Secret from its annotation, without decoding the objects. */
export function summaryOf(secret: {
  metadata?: { annotations?: Record<string, string> };
}): ReleaseSummary | undefined {
  try {
    const summary = JSON.parse(
      secret.metadata?.annotations?.['kubeship.dev/summary'] ?? '',
    ) as ReleaseSummary;
    return Number.isInteger(summary.revision) ? summary : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: the latest record that ended deployed (the state a failed release goes back to). */
export function lastDeployed<T extends Pick<ReleaseSummary, 'revision' | 'outcome'>>(
  records: readonly T[],
): T | undefined {
  return [...records].filter((r) => r.outcome === 'deployed').sort((a, b) => b.revision - a.revision)[0];
}
