import { isKubeshipError, KubeshipError } from '@kubeship/core/errors';
import { ManifestError } from '@kubeship/manifests';
import { EXIT, EXIT_CODE_OF } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';

/**
 * Reports an error that ended a command and returns its exit code: a KubeshipError by its code
 * (a ManifestError is bad input: INVALID_MANIFEST); anything else is unexpected (exit 5, since
 * what happened to the cluster is not known).
 */
export function reportFailure(
  thrown: unknown,
  context: { command: string; io: CliIo; json: boolean },
): number {
  const error = thrown instanceof ManifestError ? fromManifestError(thrown) : thrown;
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

function fromManifestError(error: ManifestError): KubeshipError {
  return new KubeshipError('INVALID_MANIFEST', error.message, {
    details: { manifestCode: error.code, issues: error.issues, ...(error.file ? { file: error.file } : {}) },
    cause: error,
  });
}
