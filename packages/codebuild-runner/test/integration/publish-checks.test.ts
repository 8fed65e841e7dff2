// The three published packages, packed as `pnpm publish` packs them (publishConfig applied), pass
// publint (strict) and Are the Types Wrong (ESM-only), with no workspace: ranges, no
// kubeship-source condition and no sources inside: scripts/check-packages.ts, which the release
// script runs before publishing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPackages, type PackageCheck, PUBLISHED } from '../../../../scripts/check-packages.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildPublishedPackages, REPO_ROOT, runProcess } from './_cli.ts';

let results: PackageCheck[];

beforeAll(async () => {
  await buildPublishedPackages();
  results = await checkPackages(tempDir('kubeship-publish-checks-'));
}, 300_000);

afterAll(removeTempDirs);

describe('the packed packages', () => {
  it('are the three published ones', () => {
    expect(results.map((r) => r.name)).toEqual([...PUBLISHED]);
  });

  it.each(PUBLISHED)('%s passes publint --strict, attw and the manifest checks', (name) => {
    const result = results.find((r) => r.name === name) as PackageCheck;
    expect(result.problems, result.output).toEqual([]);
    expect(result.output).toContain('All good!');
    expect(result.output).toContain('node16 (from ESM): 🟢');
  });

  it('the checks find problems when there are some (publint on a package whose export is missing)', async () => {
    const broken = tempDir('kubeship-broken-package-');
    mkdirSync(join(broken, 'dist'));
    writeFileSync(
      join(broken, 'package.json'),
      JSON.stringify({
        name: 'broken',
        version: '1.0.0',
        type: 'module',
        exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      }),
    );
    const run = await runProcess(
      join(REPO_ROOT, 'node_modules', '.bin', 'publint'),
      ['run', broken, '--strict'],
      {
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('dist/index.js');
  });
});
