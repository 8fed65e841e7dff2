import { ManifestError } from '@kubeship/manifests';
import { KubeshipError } from './errors.ts';

/** Runs a @kubeship/manifests call, turning its ManifestError into an INVALID_MANIFEST KubeshipError. */
export function manifestCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof ManifestError) {
      throw new KubeshipError('INVALID_MANIFEST', error.message, {
        details: {
          manifestCode: error.code,
          issues: error.issues,
          ...(error.file ? { file: error.file } : {}),
        },
        cause: error,
      });
    }
    throw error;
  }
}
