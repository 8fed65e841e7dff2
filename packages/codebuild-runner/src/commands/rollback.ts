import { hostname } from 'node:os';
import type { CommandInput } from '../main.ts';
import { connect, openEnvironment } from './_environment.ts';
import { finishDeploy } from './_finish.ts';

/**
 * `kubeship rollback`: the previous (or a given) release put back through the same engine path
 * as a deploy (lease, dry-run, per-kind verification, record), config included.
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
  const result = await rollbackRelease({
    kubeConfig: connection.kubeConfig,
    app: opened.app,
    namespace: opened.namespace,
    ...(toRevision ? { toRevision } : {}),
    timeoutMs: opened.plan.timeoutMs,
    allowMassPrune: opened.plan.allowMassPrune,
    lease: { holder: opened.build.buildId ?? `${hostname()}-${process.pid}`, waitMs: opened.plan.lockWaitMs },
    ...(input.io.signal ? { signal: input.io.signal } : {}),
    onEvent: reporter.listener,
  });
  return finishDeploy(result, { input, reporter, command: 'rollback', environment: opened.name });
}
