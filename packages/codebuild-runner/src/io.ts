import { resolve } from 'node:path';

/** Where the CLI writes; injected so tests call `main` without touching the real process. */
export interface CliIo {
  /** Writes to standard output (reports, YAML, JSON). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (errors; the human lines in JSON mode). */
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal (colours allowed unless NO_COLOR). */
  readonly isTty: boolean;
  readonly cwd: string;
  /** Aborted on SIGTERM/SIGINT. */
  readonly signal?: AbortSignal;
  /**
   * How to run this same CLI again (the Node binary, its flags and the script's absolute path),
   * for the exec user `kubeship kubeconfig` writes.
   */
  readonly self?: { readonly command: string; readonly args: readonly string[] };
}

/** The process's real streams. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
    ...(process.argv[1]
      ? { self: { command: process.execPath, args: [...process.execArgv, resolve(process.argv[1])] } }
      : {}),
  };
}
