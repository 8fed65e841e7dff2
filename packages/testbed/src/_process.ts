import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** A child process the testbed started and alone may stop. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Set once the process has exited, with its exit code or signal. */
  exitStatus(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

// setpriv ties the child's life to ours: if the test runner dies, the kernel kills the child.
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** Starts `command` with its stdout and stderr appended to `logFile`. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): ManagedProcess {
  const log = openSync(options.logFile, 'a');
  const [file, argv] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]]
    : [command, [...args]];
  const child: ChildProcess = spawn(file, argv, {
    stdio: ['ignore', log, log],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  let status: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      status = `failed to start: ${error.message}`;
      resolve();
    });
  });
  return {
    name,
    pid,
    logFile: options.logFile,
    exitStatus: () => status,
    async stop(graceMs = 5000) {
      if (status !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The last `lines` lines of a log file, for error messages. */
export function tailOf(logFile: string, lines = 15): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Start-up readiness: retries `probe` until it returns true. Fails at once, with the log
 * tail, if `process` exits first, and after `timeoutMs` otherwise.
 */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<boolean>,
  options: { process?: ManagedProcess; timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const exit = options.process?.exitStatus();
    if (exit !== undefined && options.process) {
      throw new Error(`${what}: ${options.process.name} ${exit}\n${tailOf(options.process.logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      const log = options.process ? `\n${tailOf(options.process.logFile)}` : '';
      throw new Error(`${what}: not ready after ${options.timeoutMs ?? 60_000} ms${log}`);
    }
    await delay(options.intervalMs ?? 100);
  }
}
