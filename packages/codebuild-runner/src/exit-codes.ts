import type { KubeshipErrorCode } from '@kubeship/core';

/** The CLI's exit codes (see the README). */
export const EXIT = {
  /** Deployed and verified healthy. */
  ok: 0,
  /** Rollout failed; rolled back and the previous revision verified healthy. */
  rolledBack: 1,
  /** Bad input or configuration; nothing was changed. */
  badInput: 2,
  /** Authentication or authorization failure, or AWS or the cluster could not be reached. */
  auth: 3,
  /** Timed out waiting (rolled back where possible). */
  timeout: 4,
  /** Rollout failed and rollback failed or was impossible: a human must look. */
  needsHuman: 5,
} as const;

/** Every error code of @kubeship/core mapped to an exit code; a new code fails to compile until mapped here. */
export const EXIT_CODE_OF: Readonly<Record<KubeshipErrorCode, number>> = {
  INVALID_INPUT: EXIT.badInput,
  INVALID_MANIFEST: EXIT.badInput,
  SSM_PARAMETERS_MISSING: EXIT.badInput,
  CONFIG_COLLISION: EXIT.badInput,
  CLUSTER_NOT_FOUND: EXIT.badInput,
  CLUSTER_NOT_ACTIVE: EXIT.badInput,
  DRY_RUN_REJECTED: EXIT.badInput,
  PRUNE_REFUSED: EXIT.badInput,
  APPLY_CONFLICT: EXIT.badInput,
  AWS_CREDENTIALS: EXIT.auth,
  AWS_UNREACHABLE: EXIT.auth,
  CLUSTER_UNREACHABLE: EXIT.auth,
  UNAUTHORIZED: EXIT.auth,
  FORBIDDEN: EXIT.auth,
  DEPLOY_LOCKED: EXIT.timeout,
  ROLLOUT_TIMEOUT: EXIT.timeout,
  INTERRUPTED: EXIT.timeout,
  ROLLOUT_FAILED: EXIT.rolledBack,
  ROLLBACK_FAILED: EXIT.needsHuman,
  API_ERROR: EXIT.needsHuman,
};
