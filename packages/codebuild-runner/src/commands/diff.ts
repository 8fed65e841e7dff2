import {
  compareReleases,
  describeChange,
  type HookPhase,
  hookJob,
  type Manifest,
  objectId,
  planChanges,
  readHistory,
  readLive,
  splitHooks,
} from '@kubeship/core';
import { UsageError } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandInput } from '../main.ts';
import { chooseImage, connect, type OpenedEnvironment, openEnvironment, releaseFor } from './_environment.ts';

/**
 * `kubeship diff`: what a deploy would change (Secret values never shown), without changing it;
 * with `--from-revision`, what changed between two recorded releases.
 */
export async function run(input: CommandInput): Promise<number> {
  const { fromRevision, toRevision } = input.options;
  if (toRevision !== undefined && fromRevision === undefined)
    throw new UsageError(
      '--to-revision needs --from-revision: kubeship diff --from-revision <n> [--to-revision <n>]',
    );
  const opened = await openEnvironment(input);
  if (fromRevision !== undefined) return diffReleases(input, opened, fromRevision, toRevision);
  const image = chooseImage(opened);
  const release = await releaseFor(opened, input, { image });
  const connection = await connect(opened, input);
  const history = await readHistory(connection.kubeConfig, { app: release.app, namespace: opened.namespace });
  const revision = Math.max(0, ...history.map((r) => r.revision)) + 1;
  const { objects, hooks } = asApplied(release.objects, { app: release.app, revision });
  const plan = planChanges(objects, await readLive(connection.kubeConfig, objects));
  if (input.options.output === 'json') {
    const changes = plan.map((p) => ({
      id: p.id,
      action: p.action,
      changes: p.changes,
      ...(hooks.has(p.id) ? { hook: hooks.get(p.id) } : {}),
    }));
    input.io.stdout(`${JSON.stringify({ environment: opened.name, changes }, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const change of plan) {
    const mark = { create: '+', update: '~', replace: '±', unchanged: '=' }[change.action];
    const note: Partial<Record<typeof change.action, string>> = {
      unchanged: ' (unchanged)',
      replace: ' (replace: delete and create anew)',
    };
    const hook = hooks.get(change.id);
    const run = hook ? ` (${hook} hook: run ${revision}, a new Job each release)` : '';
    input.io.stdout(`${mark} ${change.id}${note[change.action] ?? ''}${run}\n`);
    for (const field of change.changes) input.io.stdout(`    ${describeChange(field)}\n`);
  }
  const changed = plan.filter((p) => p.action !== 'unchanged').length;
  input.io.stdout(`${changed} of ${plan.length} objects would change\n`);
  return EXIT.ok;
}

/**
 * Pure: the objects as a deploy of release `revision` applies them: hook Jobs as their run for
 * that release (`<name>-r<revision>`), with the phase of each hook run by its id.
 */
export function asApplied(
  objects: readonly Manifest[],
  release: { readonly app: string; readonly revision: number },
): { objects: Manifest[]; hooks: Map<string, HookPhase> } {
  const split = splitHooks(objects);
  const runs = split.hooks.map((hook) => ({ hook, job: hookJob(hook, release) }));
  return {
    objects: [...split.objects, ...runs.map((r) => r.job)],
    hooks: new Map(runs.map((r) => [objectId(r.job), r.hook.phase])),
  };
}

/** Two recorded releases compared: objects added, removed and changed, field by field. */
async function diffReleases(
  input: CommandInput,
  opened: OpenedEnvironment,
  from: number,
  to: number | undefined,
): Promise<number> {
  const connection = await connect(opened, input);
  const difference = await compareReleases(
    connection.kubeConfig,
    { app: opened.app, namespace: opened.namespace },
    { from, ...(to === undefined ? {} : { to }) },
  );
  if (input.options.output === 'json') {
    input.io.stdout(`${JSON.stringify({ environment: opened.name, ...difference }, null, 2)}\n`);
    return EXIT.ok;
  }
  input.io.stdout(
    `${opened.name}: ${opened.app} in ${opened.namespace}, release ${difference.from} -> release ${difference.to}\n`,
  );
  for (const object of difference.objects) {
    const mark = { added: '+', removed: '-', changed: '~', unchanged: '=' }[object.action];
    input.io.stdout(`${mark} ${object.id}${object.action === 'changed' ? '' : ` (${object.action})`}\n`);
    for (const field of object.changes) input.io.stdout(`    ${describeChange(field)}\n`);
  }
  const differ = difference.objects.filter((o) => o.action !== 'unchanged').length;
  input.io.stdout(`${differ} of ${difference.objects.length} objects differ\n`);
  return EXIT.ok;
}
