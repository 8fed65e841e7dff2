import { describeChange, planChanges, readLive } from '@kubeship/core';
import { EXIT } from '../exit-codes.ts';
import type { CommandInput } from '../main.ts';
import { chooseImage, connect, openEnvironment, releaseFor } from './_environment.ts';

/** `kubeship diff`: what a deploy would change (Secret values never shown), without changing it. */
export async function run(input: CommandInput): Promise<number> {
  const opened = await openEnvironment(input);
  const image = chooseImage(opened, input);
  const release = await releaseFor(opened, input, { image });
  const connection = await connect(opened, input);
  const plan = planChanges(release.objects, await readLive(connection.kubeConfig, release.objects));
  if (input.options.output === 'json') {
    input.io.stdout(
      `${JSON.stringify({ environment: opened.name, changes: plan.map((p) => ({ id: p.id, action: p.action, changes: p.changes })) }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  for (const change of plan) {
    const mark = { create: '+', update: '~', unchanged: '=' }[change.action];
    input.io.stdout(`${mark} ${change.id}${change.action === 'unchanged' ? ' (unchanged)' : ''}\n`);
    for (const field of change.changes) input.io.stdout(`    ${describeChange(field)}\n`);
  }
  const changed = plan.filter((p) => p.action !== 'unchanged').length;
  input.io.stdout(`${changed} of ${plan.length} objects would change\n`);
  return EXIT.ok;
}
