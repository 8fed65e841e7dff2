// `./dev pnpm exec node scripts/soak-rollback.ts [--rounds 30]`: the rollback of a release
// refused by Pod Security, N times in a row on one local testbed (see
// packages/core/test/soak/rollback-soak.ts). Prints one line per round and a summary; exits 1 when
// any rollback was called failed while release 1 was healthy (a false ROLLBACK_FAILED). A script,
// never a test of the suite.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

// kubeship's packages are run from their sources (as the tests do)
const SOURCES = '--conditions=kubeship-source';
if (!process.execArgv.includes(SOURCES)) {
  const child = spawnSync(process.execPath, [SOURCES, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' } } });
const rounds = Math.max(1, Number(values.rounds));
const [{ startTestbed }, { soakRollback }] = await Promise.all([
  import('../packages/testbed/src/index.ts'),
  import('../packages/core/test/soak/rollback-soak.ts'),
]);

console.error(
  `[soak] starting the testbed; ${rounds} rounds of: release 1, Pod Security on, release 2 as root, rollback`,
);
const testbed = await startTestbed({ clusterName: 'soak', nodes: 3 });
let results: Awaited<ReturnType<typeof soakRollback>> = [];
try {
  results = await soakRollback({
    kubeconfig: testbed.adminKubeconfig,
    rounds,
    onRound: (r) =>
      console.log(
        `round ${String(r.round).padStart(2)}: ${r.code.padEnd(16)} release 1 healthy after: ${r.healthyAfter ? 'yes' : 'NO '} ${(r.ms / 1000).toFixed(1)}s${r.code === 'ROLLOUT_FAILED' ? '' : ` | ${r.message}`}`,
      ),
  });
} finally {
  await testbed.stop();
}
const falseFailures = results.filter((r) => r.code === 'ROLLBACK_FAILED' && r.healthyAfter).length;
const rolledBack = results.filter((r) => r.code === 'ROLLOUT_FAILED').length;
const other = results.length - rolledBack - falseFailures;
console.log(
  `soak: ${results.length} rounds: ${rolledBack} rolled back and verified healthy (exit 1), ${falseFailures} false ROLLBACK_FAILED (healthy a moment later), ${other} other`,
);
process.exit(falseFailures + other > 0 ? 1 : 0);
