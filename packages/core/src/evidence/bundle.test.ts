import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@kubeship/manifests';
import { afterAll, describe, expect, it } from 'vitest';
import { type BundleInput, evidenceFiles, redactValues, secretValuesOf } from './bundle.ts';
import { tarGzip } from './tar.ts';

const work = mkdtempSync(join(tmpdir(), 'kubeship-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SECRET = 'pa55-w0rd-of-the-db';
const secret = (value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'web-ssm', namespace: 'shop' },
  data: { DB_PASSWORD: Buffer.from(value).toString('base64') },
});
const deployment = (image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image }] } } },
});

const input = (extra: Partial<BundleInput> = {}): BundleInput => ({
  app: 'web',
  namespace: 'shop',
  revision: 3,
  previousRevision: 2,
  report: { verdicts: [{ reason: 'CrashLoopBackOff' }] },
  events: [
    { object: 'Pod/web-1', type: 'Warning', reason: 'BackOff', message: 'Back-off restarting', count: 4 },
  ],
  containers: [],
  logs: [
    {
      namespace: 'shop',
      pod: 'web-1',
      container: 'web',
      instance: 'previous',
      text: `connecting with ${SECRET}\nfatal: ${Buffer.from(SECRET).toString('hex')}\n`,
    },
  ],
  release: [deployment('web:2'), secret(SECRET)],
  previous: [deployment('web:1'), secret('older-secret-value')],
  logLimitBytes: 1024,
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  ...extra,
});

/** Extracts an archive with the system's tar (an independent reader) and returns name -> text. */
function untar(archive: Buffer): Record<string, string> {
  const dir = mkdtempSync(join(work, 'x-'));
  const file = join(dir, 'bundle.tar.gz');
  writeFileSync(file, archive);
  const names = execFileSync('tar', ['-tzf', file, '--exclude', '*/'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  return Object.fromEntries(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

describe('evidence bundle', () => {
  it('tar reads every file back byte for byte, long paths included', () => {
    const long = `logs/${'n'.repeat(60)}/${'p'.repeat(63)}/${'c'.repeat(40)}.previous.log`;
    const files = [
      { name: 'README.txt', content: 'hello\n' },
      { name: long, content: 'x'.repeat(1500) },
      { name: 'empty.json', content: '' },
    ];
    expect(untar(tarGzip(files, Date.now()))).toEqual(
      Object.fromEntries(files.map((f) => [f.name, f.content])),
    );
  });

  it('holds the report, events, logs, release and diff; no Secret value in any form', () => {
    const files = untar(tarGzip(evidenceFiles(input()), Date.now()));
    expect(Object.keys(files).sort()).toEqual([
      'README.txt',
      'containers.json',
      'diff.txt',
      'events.json',
      'logs/shop/web-1/web.previous.log',
      'release.yaml',
      'report.json',
    ]);
    expect(files['logs/shop/web-1/web.previous.log']).toBe('connecting with <redacted>\nfatal: <redacted>\n');
    expect(files['events.json']).toContain('Back-off restarting');
    expect(files['diff.txt']).toContain('spec.template.spec.containers[web].image: "web:1" -> "web:2"');
    expect(files['README.txt']).toContain('each bounded to its first 1024 bytes');
    const everything = Object.values(files).join('\n');
    for (const value of [SECRET, 'older-secret-value'])
      for (const form of [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')])
        expect(everything).not.toContain(form);
  });

  it('a truncated log says so, with the bound', () => {
    const log = {
      namespace: 'shop',
      pod: 'p',
      container: 'c',
      instance: 'current' as const,
      text: 'abc',
      truncated: true,
    };
    const files = evidenceFiles(input({ logs: [log] }));
    expect(files.find((f) => f.name === 'logs/shop/p/c.current.log')?.content).toBe(
      '(only the first 1024 bytes of a longer log)\nabc',
    );
  });

  it('secretValuesOf and redactValues: data decoded, stringData as is, short values left alone', () => {
    const values = secretValuesOf([
      { ...secret('abcdef'), stringData: { TOKEN: 'tok-123', PIN: '12' } } as KubeObject,
    ]);
    expect(values.sort()).toEqual(['abcdef', 'tok-123']);
    expect(redactValues('a YWJjZGVm b YWJjZGVm c abcdef d 616263646566', values)).toBe(
      'a <redacted> b <redacted> c <redacted> d <redacted>',
    );
  });
});
