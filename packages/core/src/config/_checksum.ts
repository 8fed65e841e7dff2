import { createHash } from 'node:crypto';

/** The pod template annotation that carries the `configChecksum` of the config: a new value rolls the pods. */
export const CONFIG_CHECKSUM_ANNOTATION = 'kubeship.dev/config-checksum';

/** What identifies one parameter's content without its value. */
export interface ChecksumEntry {
  readonly name: string;
  readonly type: string;
  /** The Parameter Store version (or, for a Secrets Manager reference, the secret's version id). */
  readonly version: string | number;
}

/**
 * sha256 (hex) over the sorted (name, type, version) triples of a configuration, never over values:
 * the same configuration always gives the same checksum, whatever the order it was read in; a new
 * version of any parameter, or a parameter added or removed, gives another.
 */
export function configChecksum(entries: readonly ChecksumEntry[]): string {
  const rows = [...new Set(entries.map((e) => JSON.stringify([e.name, e.type, String(e.version)])))].sort();
  return createHash('sha256')
    .update(`kubeship-config-v1\n${rows.join('\n')}`)
    .digest('hex');
}
