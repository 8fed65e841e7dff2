// The words of an access problem, apart from how rights are worked out: the auth layer explains
// missing rights (an EKS access entry) without importing the review.

/** One Kubernetes permission a deploy can need: what RBAC checks, and why kubeship needs it. */
export interface AccessRight {
  readonly verb: string;
  /** The API group ('' for the core group). */
  readonly group: string;
  /** The plural resource, e.g. `deployments`. */
  readonly resource: string;
  readonly subresource?: string;
  /** Absent for cluster-scoped resources (and cluster-wide lists). */
  readonly namespace?: string;
  /** The phases that need it, e.g. `apply, rollback`. */
  readonly why: string;
}

/** Says why rights are missing (e.g. from the EKS access entry); an empty list when it cannot tell. */
export type AccessExplainer = (missing: readonly AccessRight[]) => Promise<readonly string[]>;
