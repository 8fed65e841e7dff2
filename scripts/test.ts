// The test command: lint, typecheck, the import rules (dependency-cruiser), the API reference, then
// every vitest project (unit and integration). Ends with
// one plain line "tests: N passed, N failed, N skipped" and fails when any test failed, was
// skipped, or no test ran at all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The sources whose imports the layer rules of .dependency-cruiser.cjs check. */
const DEPENDENCY_ROOTS = ['manifests', 'core', 'codebuild-runner', 'testbed'].map(
  (name) => `packages/${name}/src`,
);

function run(step: string, command: string, args: string[]): number {
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  process.stderr.write(
    `[test] ${step}: ${status === 0 ? 'ok' : `failed (${status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return status ?? 1;
}

// The API reference (docs/api/) is built from the JSDoc of every public export; a public export
// without a doc comment, or a broken {@link}, fails the run (typedoc.json: treatWarningsAsErrors).
if (
  run('lint', 'biome', ['check', '.']) !== 0 ||
  run('typecheck', 'tsc', ['-p', 'tsconfig.json']) !== 0 ||
  run('dependencies', 'depcruise', ['--config', '.dependency-cruiser.cjs', ...DEPENDENCY_ROOTS]) !== 0 ||
  run('api reference', 'typedoc', []) !== 0
) {
  process.exit(1);
}

const reportDir = mkdtempSync(join(tmpdir(), 'kubeship-vitest-'));
const report = join(reportDir, 'report.json');
const vitestStatus = run('vitest', 'vitest', [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);

let counts = { passed: 0, failed: 0, skipped: 0 };
try {
  const results = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  counts = {
    passed: results.numPassedTests,
    failed: results.numFailedTests,
    skipped: results.numPendingTests + results.numTodoTests,
  };
} catch {
  counts.failed = Math.max(counts.failed, 1);
}
rmSync(reportDir, { recursive: true, force: true });

console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
const ok = vitestStatus === 0 && counts.failed === 0 && counts.skipped === 0 && counts.passed > 0;
if (!ok && counts.passed === 0) console.error('[test] no test ran: that is a failure, not a pass');
if (!ok && counts.skipped > 0)
  console.error('[test] skipped tests are claims nobody checks: fix or remove them');
process.exit(ok ? 0 : 1);
