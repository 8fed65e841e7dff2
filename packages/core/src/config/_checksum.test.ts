import { describe, expect, it } from 'vitest';
import { configChecksum } from './_checksum.ts';

const entries = [
  { name: '/app/prod/DB_HOST', type: 'String', version: 3 },
  { name: '/app/prod/DB_PASSWORD', type: 'SecureString', version: 7 },
  { name: '/aws/reference/secretsmanager/api', type: 'SecureString', version: 'secretsmanager:v-1' },
];

describe('configChecksum', () => {
  it('is sha256 hex, stable, and independent of the order parameters were read in', () => {
    const checksum = configChecksum(entries);
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(configChecksum(entries)).toBe(checksum);
    expect(configChecksum([...entries].reverse())).toBe(checksum);
    expect(configChecksum([...entries, entries[0] as (typeof entries)[number]])).toBe(checksum);
  });

  it('changes with a new version, a changed type, an added or a removed parameter', () => {
    const checksum = configChecksum(entries);
    const [first, ...rest] = entries as [(typeof entries)[number], ...typeof entries];
    const variants = [
      [{ ...first, version: 4 }, ...rest],
      [{ ...first, type: 'StringList' }, ...rest],
      [...entries, { name: '/app/prod/NEW', type: 'String', version: 1 }],
      rest,
      [first, rest[0], { ...rest[1], version: 'secretsmanager:v-2' }],
    ];
    const checksums = variants.map((variant) => configChecksum(variant as typeof entries));
    for (const other of checksums) expect(other).not.toBe(checksum);
    expect(new Set(checksums).size).toBe(variants.length);
  });

  it('does not depend on values: it has no input for them', () => {
    expect(configChecksum([])).toBe(configChecksum([]));
    expect(configChecksum([{ name: '/a', type: 'String', version: 1 }])).toBe(
      configChecksum([{ name: '/a', type: 'String', version: '1' }]),
    );
  });
});
