import type { CommandInput } from '../command-input.ts';
import { deployOptionsFor } from './_deploy-options.ts';
import { connect, openEnvironment } from './_environment.ts';
import { finishDeploy } from './_finish.ts';

/**
 * `kubeship rollback`: the previous (or a given) release put back through the same engine path
 * as a deploy (lease, dry-run, per-kind verification, record), config included, with the
 * environment's rollout rules and alarm gate. Alarms already firing neither refuse it nor fail its
 * bake while they stay firing (they are usually why it is rolled back); one that clears and fires
 * again does. A canary or blue/green strategy is not used: the release goes back in one step.
 */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const { toRevision } = input.options;
  const [{ rollbackRelease }, { createReporter }] = await Promise.all([
    import('@kubeship/core'),
    import('../output/reporter.ts'),
  ]);
  const reporter = createReporter(input);
  const connection = await connect(opened, input);
  reporter.note(
    `rollback ${opened.app} in ${opened.name} (namespace ${opened.namespace}) to ${toRevision ? `release ${toRevision}` : 'the previous release'}`,
  );
  const { alarms, ...shared } = await deployOptionsFor(opened, input);
  const result = await rollbackRelease({
    ...shared,
    ...(alarms ? { alarms: { ...alarms, tolerateFiringBefore: true } } : {}),
    kubeConfig: connection.kubeConfig,
    ...(toRevision ? { toRevision } : {}),
    onEvent: reporter.listener,
  });
  return finishDeploy(result, { input, reporter, command: 'rollback', environment: opened.name });
}
