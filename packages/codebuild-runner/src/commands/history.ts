import type { ReleaseSummary } from '@kubeship/core';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { connect, openEnvironment } from './_environment.ts';

/** Pure: what became of a release, in words (a `rolled-back` record is a release that failed). */
export function outcomeText(release: ReleaseSummary): string {
  if (release.outcome === 'rolled-back')
    return `failed, rolled back${release.restoredFrom ? ` to ${release.restoredFrom}` : ''}`;
  if (release.outcome === 'failed') return 'failed, not rolled back';
  return release.restoredFrom === undefined ? 'deployed' : `deployed (restores ${release.restoredFrom})`;
}

/**
 * Pure: the table of `kubeship history`: a header, one row per release (newest last), the live
 * release (the latest that ended deployed) marked with `*`.
 */
export function formatHistory(
  heading: string,
  history: readonly ReleaseSummary[],
  live: number | undefined,
): string {
  const rows = history.map((r) => ({
    marker: r.revision === live ? '*' : ' ',
    release: String(r.revision),
    outcome: outcomeText(r),
    finished: new Date(r.finishedAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    images: r.images.join(', '),
    cause: r.changeCause ?? '',
  }));
  const width = (pick: (row: (typeof rows)[number]) => string, title: string) =>
    Math.max(title.length, ...rows.map((row) => pick(row).length));
  const outcomeWidth = width((r) => r.outcome, 'OUTCOME');
  const imagesWidth = width((r) => r.images, 'IMAGES');
  const line = (
    marker: string,
    release: string,
    outcome: string,
    finished: string,
    images: string,
    cause: string,
  ) =>
    `${marker} ${release.padStart(7)}  ${outcome.padEnd(outcomeWidth)}  ${finished.padEnd(20)}  ${images.padEnd(imagesWidth)}  ${cause}`.trimEnd();
  return [
    heading,
    line(' ', 'RELEASE', 'OUTCOME', 'FINISHED', 'IMAGES', 'CHANGE CAUSE'),
    ...rows.map((r) => line(r.marker, r.release, r.outcome, r.finished, r.images, r.cause)),
    live === undefined ? 'no release is live' : `* live: release ${live}`,
    '',
  ].join('\n');
}

/** `kubeship history`: the app's release records (summaries only; no object or secret is decoded). */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const { lastDeployed, readHistory } = await import('@kubeship/core');
  const connection = await connect(opened, input);
  const history = await readHistory(connection.kubeConfig, { app: opened.app, namespace: opened.namespace });
  const live = lastDeployed(history)?.revision;
  if (input.options.output === 'json') {
    const document = { environment: opened.name, app: opened.app, live: live ?? null, releases: history };
    input.io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return EXIT.ok;
  }
  if (history.length === 0) {
    input.io.stdout(`${opened.name}: ${opened.app} has no recorded release in ${opened.namespace}\n`);
    return EXIT.ok;
  }
  input.io.stdout(
    formatHistory(
      `${opened.name}: releases of ${opened.app} in ${opened.namespace} (newest last)`,
      history,
      live,
    ),
  );
  return EXIT.ok;
}
