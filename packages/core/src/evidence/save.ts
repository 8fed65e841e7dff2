import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { type KubeObject, S3_URI_PATTERN } from '@kubeship/manifests';
import { type AwsRequestLimits, awsClientSettings } from '../auth/_aws-requests.ts';
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import type { DeployEventListener } from '../events/deploy-events.ts';
import { type ReleaseStep, stepFailed } from '../events/steps.ts';
import type { RolloutVerdict } from '../rollout/tracker.ts';
import { evidenceFiles } from './bundle.ts';
import { collectReleaseState, EVIDENCE_LOG_LIMIT_BYTES } from './collect.ts';
import { tarGzip } from './tar.ts';

/** Where the evidence bundle of a release goes, and when one is made. */
export interface EvidenceOptions {
  /** Write the archive into this directory (created when missing), e.g. a CodeBuild artifact. */
  readonly dir?: string;
  /** Upload the archive to `s3://bucket/prefix` (SSE-KMS with `kmsKeyId`, else the bucket's default encryption). */
  readonly s3?: {
    readonly uri: string;
    readonly region: string;
    readonly kmsKeyId?: string;
    /** Path-style addressing (S3-compatible endpoints, the testbed's moto). */
    readonly forcePathStyle?: boolean;
    /** The whole upload, retries included, ends within this (default 60 s). */
    readonly timeoutMs?: number;
    readonly limits?: AwsRequestLimits;
  };
  /** Also for a release that ended healthy (default: only a failed one). */
  readonly always?: boolean;
  /** The bound of each container log in the archive (default {@link EVIDENCE_LOG_LIMIT_BYTES}). */
  readonly logLimitBytes?: number;
}

/** The evidence bundle a deploy wrote: its file name and size, where it is. */
export interface EvidenceBundle {
  readonly name: string;
  readonly bytes: number;
  /** The local file (with `dir`). */
  readonly path?: string;
  /** `s3://bucket/key` (with `s3`, once uploaded). */
  readonly url?: string;
}

/** The part of a deploy the bundle describes. */
export interface EvidenceSubject {
  readonly kc: k8s.KubeConfig;
  readonly clock: Clock;
  readonly emit: DeployEventListener;
  readonly namespace: string;
  readonly objects: readonly KubeObject[];
  readonly verdicts: readonly RolloutVerdict[];
  readonly steps: readonly ReleaseStep[];
  readonly changes: readonly unknown[];
  readonly warnings: string[];
  readonly previous: { readonly revision: number; readonly objects: readonly KubeObject[] } | undefined;
  readonly revision: number;
  readonly options: { readonly app: string; readonly evidence?: EvidenceOptions };
}

const DEFAULT_UPLOAD_TIMEOUT_MS = 60_000;

/** Pure: bucket and key prefix of an `s3://bucket/prefix` URI; INVALID_INPUT naming `parameter` otherwise. */
export function parseS3Uri(uri: string, parameter = 'evidence.s3.uri'): { bucket: string; prefix: string } {
  const match = S3_URI_PATTERN.exec(uri);
  if (!match)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${parameter} must be s3://<bucket>[/<prefix>], not ${JSON.stringify(uri)}`,
      {
        details: { parameter },
      },
    );
  return { bucket: match[1] as string, prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

/**
 * Writes the evidence bundle of a release, before any rollback: what the cluster says about every
 * object of the release (see `collectReleaseState`), the report so far, the release and its diff,
 * every Secret value redacted, as one `.tar.gz` written to `dir` and/or uploaded to S3. Returns
 * where it went, or undefined when nowhere was asked or nothing could be written. Never throws:
 * a failure to write or upload is a warning, and the deploy goes on (to its rollback).
 */
export async function saveEvidence(subject: EvidenceSubject): Promise<EvidenceBundle | undefined> {
  const options = subject.options.evidence;
  if (!options || (!options.dir && !options.s3)) return undefined;
  const warn = (message: string) => {
    subject.warnings.push(message);
    subject.emit({ type: 'warning', at: subject.clock.now(), message });
  };
  const createdAt = subject.clock.now();
  const logLimitBytes = options.logLimitBytes ?? EVIDENCE_LOG_LIMIT_BYTES;
  let archive: Buffer;
  try {
    const doomed = subject.verdicts.flatMap((v) =>
      v.outcome === 'failed'
        ? v.doomed.map((d) => ({ ...d, namespace: v.target.namespace ?? subject.namespace }))
        : [],
    );
    const state = await collectReleaseState(subject.kc, { objects: subject.objects, doomed, logLimitBytes });
    const failed =
      subject.verdicts.some(
        (v) => v.outcome !== 'complete' && v.outcome !== 'applied' && v.outcome !== 'unverified',
      ) || subject.steps.some(stepFailed);
    archive = tarGzip(
      evidenceFiles({
        app: subject.options.app,
        namespace: subject.namespace,
        revision: subject.revision,
        previousRevision: subject.previous?.revision ?? 0,
        report: {
          app: subject.options.app,
          namespace: subject.namespace,
          revision: subject.revision,
          previousRevision: subject.previous?.revision ?? 0,
          state: failed ? 'failed, not yet rolled back' : 'healthy',
          changes: subject.changes,
          verdicts: subject.verdicts,
          steps: subject.steps,
          warnings: subject.warnings,
        },
        ...state,
        release: subject.objects,
        previous: subject.previous?.objects ?? [],
        logLimitBytes,
        createdAt,
      }),
      createdAt,
    );
  } catch (error) {
    warn(`the evidence bundle could not be made: ${messageOf(error)}`);
    return undefined;
  }
  const stamp = new Date(createdAt).toISOString().replace(/[:.]/g, '-');
  const name = `kubeship-evidence-${subject.options.app}-r${subject.revision}-${stamp}.tar.gz`;
  let path: string | undefined;
  let url: string | undefined;
  if (options.dir) {
    try {
      mkdirSync(options.dir, { recursive: true });
      path = join(options.dir, name);
      writeFileSync(path, archive, { mode: 0o600 });
    } catch (error) {
      path = undefined;
      warn(`the evidence bundle could not be written to ${options.dir}: ${messageOf(error)}`);
    }
  }
  if (options.s3) {
    try {
      url = await upload(archive, name, options.s3);
    } catch (error) {
      warn(`the evidence bundle could not be uploaded to ${options.s3.uri}: ${messageOf(error)}`);
    }
  }
  if (!path && !url) return undefined;
  return { name, bytes: archive.length, ...(path ? { path } : {}), ...(url ? { url } : {}) };
}

async function upload(
  archive: Buffer,
  name: string,
  s3: NonNullable<EvidenceOptions['s3']>,
): Promise<string> {
  const { bucket, prefix } = parseS3Uri(s3.uri);
  const key = prefix ? `${prefix}/${name}` : name;
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: s3.region,
    ...awsClientSettings(s3.limits),
    ...(s3.forcePathStyle ? { forcePathStyle: true } : {}),
  });
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: archive,
        ContentType: 'application/gzip',
        ...(s3.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: s3.kmsKeyId } : {}),
      }),
      { abortSignal: AbortSignal.timeout(s3.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS) },
    );
  } finally {
    client.destroy();
  }
  return `s3://${bucket}/${key}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error
    ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
    : String(error);
}
