import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { type KubeObject, loadYaml, REDACTED, toYaml } from '../index.ts';
import { misreadUnquoted } from './quote.ts';

const configMap = (data: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  data,
  metadata: { labels: { b: '1', a: '2' }, name: 'cfg', namespace: 'ns' },
  kind: 'ConfigMap',
  apiVersion: 'v1',
  ...extra,
});

describe('toYaml', () => {
  it('puts apiVersion, kind, metadata first and sorts the rest, name first', () => {
    const text = toYaml([
      configMap({ z: '1', a: '2' }, { binaryData: {}, immutable: true, list: [{ value: 'x', name: 'n' }] }),
    ]);
    expect(text).toBe(
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: cfg',
        '  namespace: ns',
        '  labels:',
        '    a: "2"',
        '    b: "1"',
        'binaryData: {}',
        'data:',
        '  a: "2"',
        '  z: "1"',
        'immutable: true',
        'list:',
        '  - name: "n"',
        '    value: x',
        '',
      ].join('\n'),
    );
  });

  it('separates documents with ---, drops nulls and keeps array order', () => {
    const text = toYaml([
      configMap({ a: null, b: undefined, c: 'x' }, { list: [3, null, 1] }),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', generateName: undefined } },
    ]);
    expect(text).toContain('\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n');
    expect(text).not.toContain('null');
    expect(text).toContain('list:\n  - 3\n  - 1\n');
    expect(toYaml([])).toBe('');
  });

  it.each([
    'on',
    'off',
    'yes',
    'no',
    'y',
    'N',
    'true',
    'False',
    'NULL',
    '~',
    '',
    '0755',
    '0o17',
    '0x1F',
    '0b101',
    '1_000',
    '1:20',
    '1:20.5',
    '12',
    '-3',
    '1.5',
    '.5',
    '1e3',
    '1.0e+3',
    '.inf',
    '-.Inf',
    '.NaN',
    '2001-12-14',
    '2001-12-14T21:59:43.10-05:00',
    '<<',
    '=',
  ])('quotes %j so no YAML 1.1 or 1.2 reader takes it for anything but a string', (value) => {
    expect(misreadUnquoted(value)).toBe(true);
    const text = toYaml([configMap({ key: value })]);
    expect(text).toMatch(/key: ["']/);
    expect(YAML.parse(text, { version: '1.1' }).data.key).toBe(value);
    expect(YAML.parse(text, { version: '1.2' }).data.key).toBe(value);
  });

  it.each(['web', 'v1.2.3', '8080/TCP', 'yes-please', 'http://x', '/healthz', '50%'])(
    'leaves %j plain',
    (value) => {
      expect(misreadUnquoted(value)).toBe(false);
      expect(toYaml([configMap({ key: value })])).toContain(`key: ${value}\n`);
    },
  );

  it('quotes keys a YAML 1.1 reader would misread', () => {
    expect(toYaml([configMap({ on: 'x', '0755': 'z' })])).toContain('  "0755": z\n  "on": x\n');
  });

  it('writes multi-line strings as literal blocks and never folds long lines', () => {
    const long = 'x'.repeat(200);
    const text = toYaml([configMap({ script: 'line 1\nline 2\n', long })]);
    expect(text).toContain('  script: |\n    line 1\n    line 2\n');
    expect(text).toContain(`  long: ${long}\n`);
  });

  it('redacts Secret values unless asked to reveal them', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { password: Buffer.from('hunter2').toString('base64') },
      stringData: { token: 'abc123' },
    };
    const redacted = toYaml([secret]);
    expect(redacted).toContain(`password: ${REDACTED}`);
    expect(redacted).toContain(`token: ${REDACTED}`);
    expect(redacted).not.toContain('aHVudGVyMg');
    expect(redacted).not.toContain('abc123');
    expect(loadYaml(toYaml([secret], { revealSecrets: true }))).toEqual([secret]);
    expect(secret.stringData).toEqual({ token: 'abc123' });
  });

  it('writes shared references out in full, never as YAML aliases', () => {
    const labels = { a: '1' };
    const text = toYaml([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels }, data: labels },
    ]);
    expect(text).not.toMatch(/[&*]a1/);
  });
});
