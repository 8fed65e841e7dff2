import { isKubeshipError } from '@kubeship/core';
import { EXIT, EXIT_CODE_OF } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';

/**
 * Reports an error that ended a command and returns its exit code: a KubeshipError by its code;
 * anything else is unexpected (exit 5, since what happened to the cluster is not known).
 */
export function reportFailure(
  error: unknown,
  context: { command: string; io: CliIo; json: boolean },
): number {
  const known = isKubeshipError(error);
  const code = known ? error.code : 'INTERNAL_ERROR';
  const exitCode = known ? EXIT_CODE_OF[error.code] : EXIT.needsHuman;
  const message = error instanceof Error ? error.message : String(error);
  if (context.json) {
    context.io.stdout(
      `${JSON.stringify({ command: context.command, outcome: 'error', code, exitCode, message, ...(known ? { details: error.details } : {}) }, null, 2)}\n`,
    );
  } else {
    context.io.stderr(`kubeship ${context.command}: ${known ? '' : 'internal error: '}${message}\n`);
    if (!known && error instanceof Error && error.stack) context.io.stderr(`${error.stack}\n`);
  }
  return exitCode;
}
