import { hostname } from 'node:os';
import type { UninstallResult } from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { connect, openEnvironment } from './_environment.ts';

/** Pure: the human lines of `kubeship uninstall`: what went (or would go), what stayed and why. */
export function formatUninstall(heading: string, result: UninstallResult): string {
  const verb = result.dryRun ? 'would delete' : 'deleted';
  const records = result.records.deleted
    ? `${result.dryRun ? 'would delete' : 'deleted'} the release records: ${result.records.names.join(', ')}`
    : `kept the release records (--keep-history): ${result.records.names.join(', ')}`;
  return [
    heading,
    ...result.deleted.map((id) => `  - ${id}`),
    ...result.kept.map((k) => `  kept ${k.id}: ${k.reason}`),
    `  ${records}`,
    `${result.dryRun ? 'dry run: nothing was changed; ' : ''}${verb} ${result.deleted.length} objects${result.dryRun ? '' : ', all gone'}`,
    '',
  ].join('\n');
}

/**
 * `kubeship uninstall`: deletes the app's release from the environment under the deploy lease
 * (see `uninstallRelease`); `--dry-run` lists what would go, `--keep-history` keeps the records.
 */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const { uninstallRelease } = await import('@kubeship/core');
  const connection = await connect(opened, input);
  const dryRun = input.options.dryRun;
  const progress = input.options.output === 'json' ? input.io.stderr : input.io.stdout;
  const result = await uninstallRelease(connection.kubeConfig, {
    app: opened.app,
    namespace: opened.namespace,
    dryRun,
    keepHistory: input.options.keepHistory,
    lease: { holder: opened.build.buildId ?? `${hostname()}-${process.pid}`, waitMs: opened.plan.lockWaitMs },
    ...(input.io.signal ? { signal: input.io.signal } : {}),
    onDeleted: (id) => progress(`  gone: ${id}\n`),
  });
  if (input.options.output === 'json') {
    input.io.stdout(`${JSON.stringify({ environment: opened.name, app: opened.app, ...result }, null, 2)}\n`);
    return EXIT.ok;
  }
  input.io.stdout(
    formatUninstall(
      `${opened.name}: ${dryRun ? 'uninstall --dry-run of' : 'uninstalled'} ${opened.app} in ${opened.namespace}`,
      result,
    ),
  );
  return EXIT.ok;
}
