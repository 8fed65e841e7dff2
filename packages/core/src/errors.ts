/**
 * Every way a kubeship operation can fail, as a closed set. The CLI maps each code to an exit
 * code with a `Record<KubeshipErrorCode, number>`, so adding a code fails to compile until it is mapped.
 */
export type KubeshipErrorCode =
  /** An option, config value or template is wrong; nothing was changed. */
  | 'INVALID_INPUT'
  /** The application spec or a manifest failed validation; nothing was changed. */
  | 'INVALID_MANIFEST'
  /** SSM parameters are missing or unreadable; nothing was changed. */
  | 'SSM_PARAMETERS_MISSING'
  /** Two SSM parameters map to the same environment variable name. */
  | 'CONFIG_COLLISION'
  /** The EKS cluster does not exist in that account and region. */
  | 'CLUSTER_NOT_FOUND'
  /** The EKS cluster exists but is not ACTIVE. */
  | 'CLUSTER_NOT_ACTIVE'
  /** No AWS credentials, or they were refused (STS, assume-role, EKS, SSM access denied). */
  | 'AWS_CREDENTIALS'
  /** An AWS endpoint could not be reached or did not answer in time (STS, EKS, SSM); the message names service, operation, endpoint and cause. */
  | 'AWS_UNREACHABLE'
  /** The Kubernetes API could not be reached or did not answer in time; the message names the request, the endpoint and the cause. */
  | 'CLUSTER_UNREACHABLE'
  /** The Kubernetes API refused the credentials (HTTP 401). */
  | 'UNAUTHORIZED'
  /** RBAC refused an operation (HTTP 403). */
  | 'FORBIDDEN'
  /** The release would prune every workload of the app, or most of its objects, and that was not allowed; nothing was changed. */
  | 'PRUNE_REFUSED'
  /** The server-side dry-run rejected an object; nothing was applied. */
  | 'DRY_RUN_REJECTED'
  /** Another field manager owns a field kubeship wants to set (use `force` to take it). */
  | 'APPLY_CONFLICT'
  /** Another deploy of the same app holds the deploy lease. */
  | 'DEPLOY_LOCKED'
  /** The rollout failed; it was rolled back and the previous revision verified healthy. */
  | 'ROLLOUT_FAILED'
  /** Waiting for the rollout (or its rollback) ran out of time. */
  | 'ROLLOUT_TIMEOUT'
  /** The rollout failed and rolling back failed too, was turned off, or had no revision to go back to. */
  | 'ROLLBACK_FAILED'
  /** The operation was cancelled (SIGTERM/SIGINT, AbortSignal). */
  | 'INTERRUPTED'
  /** The Kubernetes or AWS API failed in a way none of the above describes. */
  | 'API_ERROR';

/** Structured context of an error: names of files, fields, parameters, resources. Never secret values. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** The one base class of every error kubeship throws; `code` says what kind of failure it is. */
export class KubeshipError extends Error {
  override readonly name: string = 'KubeshipError';
  readonly code: KubeshipErrorCode;
  readonly details: ErrorDetails;

  constructor(
    code: KubeshipErrorCode,
    message: string,
    options: { details?: ErrorDetails; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `error` is a {@link KubeshipError}, optionally of one of the given codes. */
export function isKubeshipError(error: unknown, ...codes: KubeshipErrorCode[]): error is KubeshipError {
  return error instanceof KubeshipError && (codes.length === 0 || codes.includes(error.code));
}
