import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { S3_URI_PATTERN } from '@kubeship/manifests/checks';
import type { InputProblem } from './problems.ts';

/** Where the evidence bundle of a failed (or, with `always`, any) release goes. */
export interface EvidenceFlags {
  /** `--evidence <dir>`, absolute. */
  readonly dir?: string;
  /** `--evidence-s3 s3://bucket/prefix`. */
  readonly s3Uri?: string;
  /** `--evidence-kms-key <key id, ARN or alias>`: SSE-KMS for the upload. */
  readonly kmsKeyId?: string;
  /** `--evidence-always`: a bundle for a healthy release too. */
  readonly always: boolean;
}

type Values = Readonly<Record<string, string | boolean | undefined>>;

/**
 * Pure apart from one stat: checks the evidence flags (an `s3://bucket[/prefix]` location, a
 * directory that is not a file, a KMS key only with an upload, `--evidence-always` only with a
 * destination), adding each problem to `problems`; `text` reads a text flag as every flag is read
 * (an empty one is a problem). Undefined when no evidence was asked for.
 */
export function evidenceFlags(
  values: Values,
  text: (name: string) => string | undefined,
  cwd: string,
  problems: InputProblem[],
): EvidenceFlags | undefined {
  const dirFlag = text('evidence');
  const s3Uri = text('evidence-s3');
  const kmsKeyId = text('evidence-kms-key');
  const always = values['evidence-always'] === true;
  const dir = dirFlag === undefined ? undefined : resolve(cwd, dirFlag);
  if (dir !== undefined && statOrUndefined(dir)?.isDirectory() === false)
    problems.push({ where: '--evidence', message: `${dir} exists and is not a directory` });
  if (s3Uri !== undefined && !S3_URI_PATTERN.test(s3Uri))
    problems.push({
      where: '--evidence-s3',
      message: `must be s3://<bucket>[/<prefix>], not ${JSON.stringify(s3Uri)}`,
    });
  if (kmsKeyId !== undefined && s3Uri === undefined)
    problems.push({
      where: '--evidence-kms-key',
      message: 'encrypts the upload: give it with --evidence-s3',
    });
  if (always && dir === undefined && s3Uri === undefined)
    problems.push({ where: '--evidence-always', message: 'needs --evidence <dir> or --evidence-s3 <uri>' });
  if (dir === undefined && s3Uri === undefined) return undefined;
  return {
    ...(dir === undefined ? {} : { dir }),
    ...(s3Uri === undefined ? {} : { s3Uri }),
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    always,
  };
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
