import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployed, rolledBack } from '../../test/fixtures.ts';
import { parseExports, parseXml, removeTempDirs, runMain, tempDir, writeFiles } from '../../test/harness.ts';
import { EXIT } from '../exit-codes.ts';

afterAll(removeTempDirs);

const report = (result: typeof deployed, exitCode: number) =>
  JSON.stringify({
    command: 'deploy',
    environment: 'prod',
    exitCode,
    outcome: result.outcome,
    message: result.message,
    result,
    events: [],
  });

describe('kubeship report merge', () => {
  it('merges per-cluster reports into the table, JUnit and exports; exits with the worst code', async () => {
    const cwd = writeFiles(tempDir(), {
      'eu-west-1.json': report(deployed, 0),
      'us-east-1.json': report(rolledBack, 1),
    });
    const run = await runMain(
      [
        'report',
        'merge',
        'eu-west-1.json',
        'us-east-1.json',
        '--report-junit',
        'fleet.xml',
        '--exports',
        'fleet.env',
      ],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(EXIT.rolledBack);
    expect(run.stdout).toContain('fleet prod: stopped (exit 1): us-east-1 did not deploy');
    const suites = parseXml(readFileSync(join(cwd, 'fleet.xml'), 'utf8')).children;
    expect(suites.map((s) => s.attributes.name)).toEqual([
      'kubeship deploy (prod/eu-west-1)',
      'kubeship deploy (prod/us-east-1)',
    ]);
    expect(parseExports(readFileSync(join(cwd, 'fleet.env'), 'utf8'))).toMatchObject({
      KUBESHIP_CLUSTERS_DEPLOYED: 'eu-west-1',
      KUBESHIP_CLUSTERS_ROLLED_BACK: 'us-east-1',
    });
  });

  it('bad input: no files, another verb, a file that is not JSON (exit 2)', async () => {
    const cwd = writeFiles(tempDir(), { 'broken.json': '{' });
    for (const argv of [
      ['report', 'merge'],
      ['report', 'split', 'a.json'],
      ['report', 'merge', 'broken.json'],
    ]) {
      const run = await runMain(argv, { cwd });
      expect(run.code, argv.join(' ')).toBe(EXIT.badInput);
    }
    expect((await runMain(['report', 'merge', 'broken.json'], { cwd })).stderr).toContain(
      'broken.json is not JSON',
    );
  });
});
