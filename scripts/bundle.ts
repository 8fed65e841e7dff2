// Builds the standalone kubeship CLI, a release artifact beside the npm packages: one ESM file with
// every dependency inside (AWS SDK, Kubernetes client, zod, yaml, kubeship's own packages), run by
// Node >= 22.19 with no node_modules: `node kubeship.mjs deploy ...`. It is bundled with the same
// options as the package's dist/ (packages/codebuild-runner/bundling.ts), in one file. Writes
//   dist/kubeship.mjs          the CLI
//   dist/kubeship.mjs.sha256   its SHA-256 in `sha256sum` format, for `sha256sum --check`
// and prints the size. usage: node scripts/bundle.ts [--outdir <dir>]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CLI_BUNDLE } from '../packages/codebuild-runner/bundling.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = resolve(outdirFlag >= 0 ? (process.argv[outdirFlag + 1] ?? 'dist') : join(root, 'dist'));
const outfile = join(outdir, 'kubeship.mjs');

/** Builds the bundle into `outfile` and writes its checksum file; returns both paths and the size. */
export async function bundle(file = outfile): Promise<{ file: string; checksumFile: string; bytes: number }> {
  mkdirSync(resolve(file, '..'), { recursive: true });
  await build({
    ...CLI_BUNDLE,
    entryPoints: [join(root, 'packages', 'codebuild-runner', 'src', 'bin.ts')],
    outfile: file,
    bundle: true,
    external: [...CLI_BUNDLE.external],
    conditions: [...CLI_BUNDLE.conditions],
    logLevel: 'warning',
  });
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  const checksumFile = `${file}.sha256`;
  writeFileSync(checksumFile, `${digest}  ${basename(file)}\n`);
  return { file, checksumFile, bytes: statSync(file).size };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { file, checksumFile, bytes } = await bundle();
  process.stdout.write(
    `${file} (${(bytes / 1024 / 1024).toFixed(1)} MiB) and ${basename(checksumFile)} in ${Date.now() - started} ms\n`,
  );
}
