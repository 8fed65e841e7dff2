// Builds the CLI once per test run and runs the built binary as a separate process. Always
// asynchronously: the testbed's EKS token webhook answers from the vitest main process, and a
// blocked event loop there (spawnSync) would make every authentication hang.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { TestbedInfo } from '@kubeship/testbed';
import { inject } from 'vitest';
import type { CliRun } from '../harness.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(PACKAGE_DIR, 'dist', 'bin.js');

/** A finished child process. */
export interface ProcessRun extends CliRun {
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
}

/** Runs a command asynchronously, collecting its output; kills it (and fails) after `timeoutMs`. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    input?: string;
    /** Gets the child as soon as it runs (to send it signals). */
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<ProcessRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // a command that exits before it reads its input (a refusal) must not fail the test with EPIPE
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} did not finish in ${options.timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * Runs `pnpm --filter <each of packages> run build` once per test run and marks it done with
 * `stamp`: test files run in parallel workers, so the first one builds under a lock (in the run's
 * testbed data directory) and the others wait for it; a second build would delete a dist/ under a
 * running test. Every build of this file takes the same lock.
 */
async function buildOnce(
  stampName: string,
  packages: readonly string[],
  alsoStamps: readonly string[] = [],
  afterBuild: () => void = () => {},
) {
  const { dataDir } = inject('testbed');
  const stamp = join(dataDir, stampName);
  const lock = join(dataDir, 'kubeship-packages.build-lock');
  for (;;) {
    if (existsSync(stamp)) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      await delay(250);
    }
  }
  try {
    if (!existsSync(stamp)) {
      const build = await runProcess(
        'pnpm',
        [...packages.flatMap((name) => ['--filter', name]), 'run', 'build'],
        {
          timeoutMs: 170_000,
        },
      );
      if (build.code !== 0)
        throw new Error(`the build failed (${build.code}):\n${build.stdout}\n${build.stderr}`);
      afterBuild();
      for (const name of [stampName, ...alsoStamps])
        writeFileSync(join(dataDir, name), `${new Date().toISOString()}\n`);
    }
  } finally {
    rmdirSync(lock);
  }
}

/**
 * Builds dist/bin.js with the package's build command, once per test run (see {@link buildOnce}),
 * and returns the bin of a copy of that dist/ kept for this run (`.runs/<run>/dist`, ignored by
 * git): another test run's build, in the same tree at the same time, empties dist/ first, and
 * would pull the binary away under this run's processes.
 */
export async function buildCli(): Promise<string> {
  await buildOnce('codebuild-runner.built', ['@kubeship/codebuild-runner'], [], copyCli);
  const bin = join(runCopy(), 'bin.js');
  if (!existsSync(bin)) throw new Error(`no copy of the built CLI at ${bin}`);
  return bin;
}

const runCopy = () => join(PACKAGE_DIR, '.runs', basename(inject('testbed').dataDir), 'dist');

/**
 * Copies the fresh dist/ for this run, right after the build, under the build lock; drops the
 * copies of runs whose testbed data directory is gone (those runs have ended).
 */
function copyCli(): void {
  if (!existsSync(BIN)) throw new Error(`the build did not write ${BIN}`);
  const runs = join(PACKAGE_DIR, '.runs');
  const dataDirs = dirname(inject('testbed').dataDir);
  for (const run of existsSync(runs) ? readdirSync(runs) : [])
    if (!existsSync(join(dataDirs, run))) rmSync(join(runs, run), { recursive: true, force: true });
  cpSync(join(PACKAGE_DIR, 'dist'), runCopy(), { recursive: true });
}

/** Builds the three published packages (manifests, core, the CLI), once per test run. */
export async function buildPublishedPackages(): Promise<void> {
  await buildOnce(
    'published-packages.built',
    ['@kubeship/manifests', '@kubeship/core', '@kubeship/codebuild-runner'],
    ['codebuild-runner.built'],
    copyCli,
  );
}

/**
 * The environment the CLI gets in a CodeBuild-like run against the testbed: AWS at moto, the
 * credentials the token webhook knows, and nothing inherited that could point elsewhere.
 */
export function cliEnv(
  info: Pick<TestbedInfo, 'aws' | 'region'>,
  extra: Readonly<Record<string, string | undefined>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    AWS_ENDPOINT_URL: info.aws.endpointUrl,
    AWS_ACCESS_KEY_ID: info.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.aws.credentials.secretAccessKey,
    AWS_REGION: info.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    KUBESHIP_PROGRESS_INTERVAL: '5',
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
