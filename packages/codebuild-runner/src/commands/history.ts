import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { connect, openEnvironment } from './_environment.ts';

/** `kubeship history`: the app's release records (summaries only; no object or secret is decoded). */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const { readHistory } = await import('@kubeship/core');
  const connection = await connect(opened, input);
  const history = await readHistory(connection.kubeConfig, { app: opened.app, namespace: opened.namespace });
  if (input.options.output === 'json') {
    input.io.stdout(
      `${JSON.stringify({ environment: opened.name, app: opened.app, releases: history }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  if (history.length === 0) {
    input.io.stdout(`${opened.name}: ${opened.app} has no recorded release in ${opened.namespace}\n`);
    return EXIT.ok;
  }
  const lines = history.map((r) => {
    const when = new Date(r.finishedAt).toISOString().replace(/\.\d+Z$/, 'Z');
    const restored = r.restoredFrom === undefined ? '' : ` (restores ${r.restoredFrom})`;
    return `  ${String(r.revision).padStart(4)}  ${r.outcome.padEnd(11)}  ${when}  ${r.images.join(', ')}${restored}${r.changeCause ? `  ${r.changeCause}` : ''}`;
  });
  input.io.stdout(`${opened.name}: releases of ${opened.app} in ${opened.namespace}\n${lines.join('\n')}\n`);
  return EXIT.ok;
}
