// Checks the three published packages as npm will publish them: each is packed with `pnpm pack`
// (which applies publishConfig), then checked with publint (strict: warnings count) and
// Are the Types Wrong (`attw`, ESM-only profile: the packages are ESM-only on purpose), and its
// manifest for what must never be published (workspace: ranges, the kubeship-source condition,
// sources). Run after `pnpm run build`. usage: node scripts/check-packages.ts [--keep <dir>]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The packages that are published, in dependency order. */
export const PUBLISHED = ['@kubeship/manifests', '@kubeship/core', '@kubeship/codebuild-runner'] as const;

/** What one package's checks found. */
export interface PackageCheck {
  readonly name: string;
  readonly tarball: string;
  /** Every problem found; empty when the package is fit to publish. */
  readonly problems: readonly string[];
  /** What publint and attw printed, for the record. */
  readonly output: string;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

/** The manifest inside a tarball. */
async function packedManifest(tarball: string): Promise<Record<string, unknown>> {
  const { output, code } = await run('tar', ['-xzOf', tarball, 'package/package.json'], root);
  if (code !== 0) throw new Error(`cannot read package.json from ${tarball}: ${output}`);
  return JSON.parse(output) as Record<string, unknown>;
}

/** Packs and checks each published package into `outDir`. */
export async function checkPackages(outDir: string): Promise<PackageCheck[]> {
  const bin = (name: string) => join(root, 'node_modules', '.bin', name);
  const results: PackageCheck[] = [];
  for (const name of PUBLISHED) {
    const before = new Set(readdirSync(outDir));
    const pack = await run('pnpm', ['--filter', name, 'pack', '--pack-destination', outDir], root);
    const tarballName = readdirSync(outDir).find((file) => !before.has(file) && file.endsWith('.tgz'));
    if (pack.code !== 0 || !tarballName) throw new Error(`pnpm pack of ${name} failed:\n${pack.output}`);
    const tarball = join(outDir, tarballName);
    const problems: string[] = [];
    const publint = await run(bin('publint'), ['run', tarball, '--strict'], root);
    if (publint.code !== 0) problems.push(`publint: ${publint.output.trim()}`);
    const attw = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], root);
    if (attw.code !== 0) problems.push(`attw: ${attw.output.trim()}`);
    const manifest = await packedManifest(tarball);
    const text = JSON.stringify(manifest);
    if (text.includes('workspace:')) problems.push('package.json still has workspace: ranges');
    if (text.includes('kubeship-source')) problems.push('exports still name the kubeship-source condition');
    if (manifest.private) problems.push('the package is private');
    const files = await run('tar', ['-tzf', tarball], root);
    const sources = files.output.split('\n').filter((file) => /^package\/src\//.test(file));
    if (sources.length > 0) problems.push(`sources in the tarball: ${sources.slice(0, 3).join(', ')}`);
    results.push({ name, tarball, problems, output: `${publint.output}\n${attw.output}` });
  }
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const keep = process.argv.indexOf('--keep');
  const outDir =
    keep >= 0 ? resolve(process.argv[keep + 1] ?? 'packed') : mkdtempSync(join(tmpdir(), 'kubeship-packed-'));
  try {
    const results = await checkPackages(outDir);
    for (const result of results) {
      process.stdout.write(
        `${result.problems.length === 0 ? 'ok  ' : 'FAIL'} ${result.name} (${result.tarball})\n`,
      );
      for (const problem of result.problems) process.stdout.write(`  ${problem.replaceAll('\n', '\n  ')}\n`);
    }
    if (results.some((r) => r.problems.length > 0)) process.exitCode = 1;
  } finally {
    if (keep < 0) rmSync(outDir, { recursive: true, force: true });
  }
}
