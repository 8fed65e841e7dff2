import { closeSync, fchmodSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InputProblem } from './problems.ts';

/** The files a command writes, as absolute paths. */
export interface OutputFiles {
  readonly exports?: string;
  readonly reportJunit?: string;
  readonly out?: string;
}

/**
 * Checks, before anything changes, that each requested output file can be written: its
 * directory is created, an existing file is opened for writing (not truncated), a missing one is
 * created and removed again. Two flags naming one file, a directory, or a path through a regular
 * file are problems; so is anything the file system refuses, with its error code.
 */
export function checkOutputFiles(
  requested: ReadonlyArray<{ flag: string; key: keyof OutputFiles; path: string }>,
  problems: InputProblem[],
): OutputFiles {
  const files: Partial<Record<keyof OutputFiles, string>> = {};
  const seen = new Map<string, string>();
  for (const { flag, key, path } of requested) {
    const other = seen.get(path);
    if (other) {
      problems.push({ where: flag, message: `names the same file as ${other} (${path})` });
      continue;
    }
    seen.set(path, flag);
    const problem = probe(path);
    if (problem) problems.push({ where: flag, message: `cannot write ${path}: ${problem}` });
    else files[key] = path;
  }
  return files;
}

function probe(path: string): string | undefined {
  try {
    const existing = statOrUndefined(path);
    if (existing?.isDirectory()) return 'it is a directory';
    if (existing) {
      closeSync(openSync(path, 'r+'));
      return undefined;
    }
    makeDirectories(dirname(path));
    closeSync(openSync(path, 'wx'));
    unlinkSync(path);
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code ? `${code} (${message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')})` : message;
  }
}

// One level at a time: Node's recursive mkdir never returns in some pseudo file systems (/proc).
function makeDirectories(directory: string): void {
  const missing: string[] = [];
  for (let at = directory; statOrUndefined(at) === undefined; at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing) mkdirSync(level);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes an output file; `secret` files (which may hold Secret values) are mode 0600, even when they existed. */
export function writeOutputFile(path: string, text: string, options: { secret?: boolean } = {}): void {
  if (!options.secret) {
    writeFileSync(path, text);
    return;
  }
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600); // an existing file keeps its mode on open: narrow it before writing
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
