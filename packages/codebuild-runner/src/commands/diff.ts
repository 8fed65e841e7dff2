import {
  compareReleases,
  describeChange,
  objectId,
  planChanges,
  previewRelease,
  readLive,
} from '@kubeship/core';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { changeCause } from '../config/environment.ts';
import { EXIT } from '../exit-codes.ts';
import { chooseImage, connect, type OpenedEnvironment, openEnvironment, releaseFor } from './_environment.ts';

/**
 * `kubeship diff`: what a deploy of the same input would change (Secret values never shown),
 * without changing it: the objects exactly as the deploy applies them (core's `previewRelease`:
 * change cause, membership labels, replicas left to an HPA, hook runs of the next revision);
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
  const preview = await previewRelease(connection.kubeConfig, {
    app: release.app,
    namespace: opened.namespace,
    objects: release.objects,
    changeCause: changeCause(image, opened.build),
  });
  const { revision } = preview;
  const hooks = new Map(preview.hookRuns.map((run) => [objectId(run.job), run.phase]));
  const objects = [...preview.objects, ...preview.hookRuns.map((run) => run.job)];
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
