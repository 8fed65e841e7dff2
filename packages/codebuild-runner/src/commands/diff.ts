import {
  compareReleases,
  describeChange,
  dryRunAll,
  isKubeshipError,
  leftBehind,
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
 * change cause, membership labels, replicas left to an HPA, hook runs of the next revision), the
 * objects it would prune, and what the API server's dry-run of it says (field-manager conflicts
 * named with their manager, any other refusal); with `--from-revision`, what changed between two
 * recorded releases.
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
  const ref = { app: release.app, namespace: opened.namespace };
  const [live, pruned, refused] = await Promise.all([
    readLive(connection.kubeConfig, objects),
    input.options.noPrune ? Promise.resolve([]) : leftBehind(connection.kubeConfig, ref, release.objects),
    dryRunRefusals(connection.kubeConfig, preview.objects, input.options.force),
  ]);
  const plan = planChanges(objects, live);
  if (input.options.output === 'json') {
    const changes = [
      ...plan.map((p) => ({
        id: p.id,
        action: p.action,
        changes: p.changes,
        ...(hooks.has(p.id) ? { hook: hooks.get(p.id) } : {}),
      })),
      ...pruned.map((id) => ({ id, action: 'prune', changes: [] })),
    ];
    const document = { environment: opened.name, changes, dryRun: refused ?? { accepted: true } };
    input.io.stdout(`${JSON.stringify(document, null, 2)}\n`);
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
  for (const id of pruned)
    input.io.stdout(`- ${id} (pruned once the release is healthy; --no-prune keeps it)\n`);
  const changed = plan.filter((p) => p.action !== 'unchanged').length;
  const prunes = pruned.length > 0 ? `, ${pruned.length} would be pruned` : '';
  input.io.stdout(`${changed} of ${plan.length} objects would change${prunes}\n`);
  if (refused)
    input.io.stdout(
      `the server-side dry-run refuses this deploy (${refused.code}); a deploy would change nothing and exit 2:\n${refused.rejections
        .map((r) => `  ! ${r.message.startsWith(r.object) ? r.message : `${r.object}: ${r.message}`}`)
        .join('\n')}\n`,
    );
  return EXIT.ok;
}

/** What the API server's dry-run refuses in the objects a deploy would apply; undefined when it accepts them all. */
async function dryRunRefusals(
  kubeConfig: Parameters<typeof dryRunAll>[0],
  objects: Parameters<typeof dryRunAll>[1],
  force: boolean,
): Promise<{ code: string; rejections: Array<{ object: string; message: string }> } | undefined> {
  try {
    await dryRunAll(kubeConfig, objects, { force });
    return undefined;
  } catch (error) {
    if (!isKubeshipError(error) || (error.code !== 'APPLY_CONFLICT' && error.code !== 'DRY_RUN_REJECTED'))
      throw error;
    const rejections = (error.details.rejections ?? []) as Array<{ object: string; message: string }>;
    return { code: error.code, rejections };
  }
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
