import { toYaml } from '@kubeship/manifests';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOutputFile } from '../input/output-files.ts';
import { chooseImage, openEnvironment, releaseFor } from './_environment.ts';

/**
 * `kubeship render`: the manifests a deploy would apply, as deterministic YAML. Without
 * --resolve-ssm nothing is contacted and SSM references point at the app's Secret; Secret data
 * is redacted unless --reveal-secrets.
 */
export async function run(input: CommandInput): Promise<number> {
  const { revealSecrets } = input.options;
  const opened = await openEnvironment(input);
  const image = chooseImage(opened);
  const release = await releaseFor(opened, input, {
    image,
    offline: !input.options.resolveSsm,
    readsCluster: false,
  });
  const yaml = toYaml(release.objects, { revealSecrets });
  if (input.options.files.out) {
    writeOutputFile(input.options.files.out, yaml, { secret: revealSecrets });
  } else {
    input.io.stdout(yaml);
  }
  return EXIT.ok;
}
