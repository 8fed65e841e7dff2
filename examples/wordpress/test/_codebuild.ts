// Runs a buildspec's commands the way CodeBuild (buildspec version 0.2) does, closely enough to
// prove a buildspec on the testbed: one bash for the whole build (variables and the working
// directory carry over between commands and phases), env.variables set, a failing command ends
// its phase, post_build runs even after a failed build, and env.exported-variables are read from
// the shell at the end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readYaml } from '../../tools/lint.ts';
import { run } from './_run.ts';

/** The parts of a buildspec this runner reads. */
export interface Buildspec {
  readonly env?: {
    readonly shell?: string;
    readonly variables?: Record<string, string | number | boolean>;
    readonly 'exported-variables'?: string[];
  };
  readonly phases: Partial<Record<Phase, { readonly commands?: string[] }>>;
}

/** The phases that run commands, in order. */
export type Phase = 'install' | 'pre_build' | 'build' | 'post_build';

/** What a run of a buildspec produced. */
export interface BuildspecRun {
  /** 0 when every phase that ran succeeded, else the first failing command's status. */
  readonly status: number;
  readonly failedPhase?: Phase;
  readonly stdout: string;
  readonly stderr: string;
  /** The values of env.exported-variables at the end of the build. */
  readonly exported: Record<string, string>;
}

/** Loads a buildspec (YAML) into plain data. */
export function loadBuildspec(file: string): Buildspec {
  return readYaml(file) as Buildspec;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `phases` of the buildspec asynchronously (the testbed's token webhook answers from the
 * vitest main process; nothing here blocks). `rewrite` may change each command, e.g. to replace
 * `npx` of the published CLI by the workspace's one.
 */
export async function runBuildspec(
  spec: Buildspec,
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    phases?: readonly Phase[];
    rewrite?: (command: string) => string;
    timeoutMs?: number;
  },
): Promise<BuildspecRun> {
  const phases = options.phases ?? ['pre_build', 'build', 'post_build'];
  const exportedNames = spec.env?.['exported-variables'] ?? [];
  const dir = mkdtempSync(join(tmpdir(), 'buildspec-'));
  const exportsFile = join(dir, 'exported');
  const statusFile = join(dir, 'status');
  const lines = ['__status=0', '__failed='];
  for (const phase of phases) {
    const commands = spec.phases[phase]?.commands ?? [];
    // CodeBuild skips build after a failed install/pre_build, but always runs post_build.
    const guard = phase === 'post_build' ? 'true' : '[ -z "$__failed" ]';
    lines.push(`if ${guard}; then`, `  echo "[codebuild] phase ${phase}" >&2; __phase_ok=1`);
    for (const command of commands) {
      const text = options.rewrite ? options.rewrite(command) : command;
      lines.push(
        '  if [ "$__phase_ok" = 1 ]; then',
        `    echo ${quote(`[codebuild] running: ${text}`)} >&2`,
        text,
        `    __rc=$?; if [ "$__rc" != 0 ]; then __phase_ok=0; [ -n "$__failed" ] || { __failed=${phase}; __status=$__rc; }; fi`,
        '  fi',
      );
    }
    lines.push('fi');
  }
  lines.push(
    `: > ${quote(exportsFile)}`,
    ...exportedNames.map((name) => `printf '%s=%s\\n' ${name} "\${${name}-}" >> ${quote(exportsFile)}`),
    `printf '%s %s' "$__status" "$__failed" > ${quote(statusFile)}`,
  );
  const variables = Object.fromEntries(
    Object.entries(spec.env?.variables ?? {}).map(([key, value]) => [key, String(value)]),
  );
  const { stdout, stderr } = await run('bash', ['-c', lines.join('\n')], {
    cwd: options.cwd,
    env: { ...options.env, ...variables },
    timeoutMs: options.timeoutMs ?? 300_000,
  });
  try {
    const [status = '1', failedPhase = ''] = readFileSync(statusFile, 'utf8').split(' ');
    const exported = Object.fromEntries(
      readFileSync(exportsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return {
      status: Number(status),
      ...(failedPhase ? { failedPhase: failedPhase as Phase } : {}),
      stdout,
      stderr,
      exported,
    };
  } catch (error) {
    throw new Error(`the buildspec run ended early (${(error as Error).message}):\n${stdout}\n${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
