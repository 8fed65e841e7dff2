import { spawn } from 'node:child_process';
import { isKubeshipError, KubeshipError } from '../errors.ts';

/** What a rendering tool printed, once it exited 0. */
export interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run one rendering tool (`helm`, `kustomize`, `kubectl`). */
export interface ToolRun {
  /** The executable: a name looked up on PATH, or a path. */
  readonly command: string;
  readonly args: readonly string[];
  /** What the user should install when the command is missing, e.g. "Helm 3 or 4". */
  readonly install: string;
  /** The config key that can name the binary instead, e.g. "templates.helm.binary". */
  readonly binaryKey: string;
  readonly cwd?: string;
  /** Written to the child's stdin (then closed). */
  readonly input?: string;
  /** The child is killed (SIGKILL) after this long; INVALID_INPUT says so. */
  readonly timeoutMs: number;
  /** Output beyond this many bytes kills the child too (default 64 MiB). */
  readonly maxOutputBytes?: number;
  /** Strings (secret values) replaced by `[redacted]` in anything an error quotes from stderr. */
  readonly redact?: readonly string[];
  readonly signal?: AbortSignal;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
const STDERR_LINES_QUOTED = 20;

/**
 * Runs a rendering tool as a child process, time-bound, and returns its output. A missing
 * executable, a non-zero exit, a timeout and too much output are INVALID_INPUT errors (exit 2:
 * nothing has been sent to the cluster yet) that quote the tool's own stderr, secrets redacted.
 */
export function runTool(run: ToolRun): Promise<ToolOutput> {
  const limit = run.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const shown = `${run.command} ${run.args[0] ?? ''}`.trim();
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let stopped: string | undefined;
    const stop = (why: string) => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => stop(`did not finish within ${run.timeoutMs / 1000} s (killed)`),
      run.timeoutMs,
    );
    const onAbort = () => stop('was interrupted');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) stop(`printed more than ${Math.round(limit / 1024 / 1024)} MiB (killed)`);
      else into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.stdin.on('error', () => {}); // a tool that exits without reading its input
    child.stdin.end(run.input ?? '');
    const finish = () => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish();
      reject(
        error.code === 'ENOENT'
          ? new KubeshipError(
              'INVALID_INPUT',
              `${run.command} is not installed (not found${run.command.includes('/') ? '' : ' on PATH'}): install ${run.install}, or set ${run.binaryKey} to its path`,
              { details: { tool: run.command, key: run.binaryKey, missing: true } },
            )
          : new KubeshipError('INVALID_INPUT', `cannot run ${run.command}: ${error.message}`, {
              details: { tool: run.command, key: run.binaryKey },
            }),
      );
    });
    child.on('close', (code) => {
      finish();
      const errorText = redact(Buffer.concat(stderr).toString('utf8'), run.redact ?? []);
      if (stopped || code !== 0) {
        const quoted = errorText.trim().split('\n').slice(-STDERR_LINES_QUOTED).join('\n');
        reject(
          new KubeshipError(
            stopped === 'was interrupted' ? 'INTERRUPTED' : 'INVALID_INPUT',
            `${shown} ${stopped ?? `failed (exit ${code})`}${quoted ? `:\n${indent(quoted)}` : ''}`,
            { details: { tool: run.command, exitCode: code, stderr: quoted } },
          ),
        );
        return;
      }
      resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: errorText });
    });
  });
}

/** True for the error {@link runTool} gives when the executable does not exist. */
export function isMissingTool(error: unknown): boolean {
  return isKubeshipError(error, 'INVALID_INPUT') && error.details.missing === true;
}

/** `text` with every occurrence of each secret replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets
    .filter((s) => s.length > 0)
    .reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
