import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { toYaml } from '@kubeship/manifests';
import { UsageError } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandInput } from '../main.ts';
import { chooseImage, openEnvironment, releaseFor } from './_environment.ts';

/**
 * `kubeship render`: the manifests a deploy would apply, as deterministic YAML. Without
 * --resolve-ssm nothing is contacted and SSM references point at the app's Secret; Secret data
 * is redacted unless --reveal-secrets.
 */
export async function run(input: CommandInput): Promise<number> {
  const { values } = input;
  if (values['reveal-secrets'] && !values['resolve-ssm'])
    throw new UsageError('--reveal-secrets needs --resolve-ssm');
  const opened = await openEnvironment(input);
  const image = chooseImage(opened, input);
  const release = await releaseFor(opened, input, { image, offline: !values['resolve-ssm'] });
  const yaml = toYaml(release.objects, { revealSecrets: Boolean(values['reveal-secrets']) });
  if (typeof values.out === 'string') {
    writeFileSync(resolve(input.io.cwd, values.out), yaml);
  } else {
    input.io.stdout(yaml);
  }
  return EXIT.ok;
}
