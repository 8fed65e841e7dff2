// Helpers of the java-war example's tests: child processes (always asynchronous: the testbed's
// token webhook answers from the vitest process), temp dirs, and a small runner for the
// buildspecs' commands, so the tests run what CodeBuild would run.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readYaml } from '../../tools/lint.ts';
import type { CodePipelineJobEvent } from '../lambda/handler.ts';

/** examples/java-war. */
export const exampleDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** The kubeship CLI's source entry (run with `--conditions=kubeship-source`). */
export const cliSource = join(repoRoot, 'packages/codebuild-runner/src/bin.ts');

const temps: string[] = [];

/** A new temp dir, removed by {@link removeTemps}. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `java-war-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** Removes every temp dir made so far. */
export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** How a child process ended, and what it printed. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command asynchronously and collects its output; kills it after `timeoutMs`. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; input?: string },
): Promise<ProcessRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 110_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        ms: Date.now() - started,
      });
    });
    // a command that exits before it reads its input (a refusal) closes the pipe: not an error of the run
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Fails with the process's own output when it did not exit with `code`. */
export function expectExit(run: ProcessRun, code: number, what: string): void {
  if (run.code !== code) {
    throw new Error(
      `${what}: expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
  }
}

interface Buildspec {
  env?: { variables?: Record<string, string | number | boolean>; 'exported-variables'?: string[] };
  phases: Record<string, { commands?: string[] }>;
}

/** The commands of each phase of a buildspec, in order, and its env.variables and exported-variables. */
function buildspecCommands(file: string): {
  phases: Record<string, readonly string[]>;
  variables: Readonly<Record<string, string>>;
  exported: readonly string[];
} {
  const spec = readYaml(file) as Buildspec;
  const phases = Object.fromEntries(
    Object.entries(spec.phases).map(([name, phase]) => [name, phase.commands ?? []]),
  );
  const variables = Object.fromEntries(
    Object.entries(spec.env?.variables ?? {}).map(([name, value]) => [name, String(value)]),
  );
  return { phases, variables, exported: spec.env?.['exported-variables'] ?? [] };
}

/** A bash script of `commands` that stops at the first failing one with its exit code, as CodeBuild does. */
export function phaseScript(commands: readonly string[], trailer = ''): string {
  return [
    '#!/usr/bin/env bash',
    ...commands.map(
      (command) => `${command.trimEnd()}\n__status=$?; [ "$__status" -eq 0 ] || exit "$__status"`,
    ),
    trailer,
  ].join('\n');
}

/** What a buildspec run did: the build phase's exit code and the exported variables. */
export interface BuildspecRun {
  readonly build: ProcessRun;
  readonly postBuild: ProcessRun;
  readonly exported: Readonly<Record<string, string>>;
}

/**
 * Runs a buildspec's build phase, then its post_build phase (which CodeBuild runs whether or not
 * the build succeeded), in `cwd` with its env.variables and `env`, and reads its exported
 * variables at the end.
 * The install phase (runtime-versions) is CodeBuild's business and is skipped.
 */
export async function runBuildspec(
  file: string,
  given: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<BuildspecRun> {
  const { phases, variables, exported } = buildspecCommands(file);
  // CodeBuild sets env.variables unless the project or the pipeline action sets them.
  const options = { ...given, env: { ...variables, ...given.env } };
  const build = await runProcess('bash', ['-c', phaseScript(phases.build ?? [])], options);
  const marker = '__EXPORTED__';
  const trailer = `echo ${marker}; ${exported.map((name) => `printf '%s=%s\\n' ${name} "\${${name}:-}"`).join('; ')}`;
  const postBuild = await runProcess('bash', ['-c', phaseScript(phases.post_build ?? [], trailer)], {
    ...options,
    env: { ...options.env, CODEBUILD_BUILD_SUCCEEDING: build.code === 0 ? '1' : '0' },
  });
  const lines = postBuild.stdout.split(marker)[1]?.trim().split('\n') ?? [];
  const values = Object.fromEntries(
    lines
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { build, postBuild, exported: values };
}

/**
 * A directory with an `npx` that stands in for `npx -y @kubeship/codebuild-runner@<version>`:
 * the same CLI, from this checkout's source. Put it first on PATH.
 */
export function npxShim(): string {
  const dir = tempDir('npx');
  const script = [
    '#!/usr/bin/env bash',
    "# `npx -y @kubeship/codebuild-runner@<version> <args>` -> this checkout's kubeship <args>",
    'if [ "$1" = "-y" ]; then shift; fi',
    'case "$1" in',
    '  @kubeship/codebuild-runner@*) shift ;;',
    '  *) echo "npx shim: unexpected package $1" >&2; exit 127 ;;',
    'esac',
    `exec "${process.execPath}" --conditions=kubeship-source "${cliSource}" "$@"`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'npx'), script);
  chmodSync(join(dir, 'npx'), 0o755);
  return dir;
}

/** PATH with `first` in front of this Node's directory and the current PATH. */
export function pathWith(first: string): string {
  return [first, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
}

/** A job event as CodePipeline's Lambda invoke action sends it (trimmed to what matters). */
export function jobEvent(
  userParameters: string,
  id = '11111111-2222-3333-4444-555555555555',
): CodePipelineJobEvent {
  return {
    'CodePipeline.job': {
      id,
      accountId: '123456789012',
      data: {
        actionConfiguration: {
          configuration: { FunctionName: 'java-war-deploy-dev', UserParameters: userParameters },
        },
        inputArtifacts: [
          {
            name: 'Source',
            revision: '3f9c2ab5d1e0c7a9b8f6e4d2c0b1a3f5e7d9c1b2',
          },
        ],
      },
    },
  };
}
