/**
 * What went wrong, as a closed set so callers can map every code (for example to a CLI exit code) and the
 * compiler tells them when a new one appears.
 *
 * - `INVALID_SPEC`: the application spec breaks a rule (shape, names, ports, cross-references).
 * - `INVALID_OPTIONS`: a render option is unusable (annotation key, image override, SSM binding).
 * - `INVALID_IMAGE`: an image reference is not `registry/repository[:tag][@digest]`.
 * - `INVALID_SSM_NAME`: an SSM parameter name breaks Parameter Store's naming rules.
 * - `SSM_UNBOUND`: the spec references SSM parameters but no `ssmBinding` says where their values live.
 * - `INVALID_YAML`: the text is not well-formed YAML.
 * - `UNRESOLVED_PLACEHOLDER`: `${VAR}` placeholders without a value (or malformed ones).
 * - `INVALID_OBJECT`: a document or rendered object is not a valid Kubernetes object.
 * - `INVALID_PATCH`: a patch targets nothing or cannot be applied.
 */
export type ManifestErrorCode =
  | 'INVALID_SPEC'
  | 'INVALID_OPTIONS'
  | 'INVALID_IMAGE'
  | 'INVALID_SSM_NAME'
  | 'SSM_UNBOUND'
  | 'INVALID_YAML'
  | 'UNRESOLVED_PLACEHOLDER'
  | 'INVALID_OBJECT'
  | 'INVALID_PATCH';

/** One problem found in the input. A value that could be secret is never carried. */
export interface ManifestIssue {
  /** Where the problem is, e.g. `ports[0].containerPort` or `deployment.spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** What rule the input breaks. */
  readonly message: string;
  /** The offending value, when it is safe to show. */
  readonly value?: unknown;
  /** 1-based position of the YAML document in the stream, for problems found while loading YAML. */
  readonly document?: number;
  /** 1-based line in the YAML text, for syntax errors. */
  readonly line?: number;
  /** The object the problem is in, as `Kind/name`. */
  readonly object?: string;
  /** The file the problem is in, for problems of several files reported together. */
  readonly file?: string;
}

/** Options of a {@link ManifestError}. */
export interface ManifestErrorOptions {
  /** The file (or other source) the input came from. */
  readonly file?: string | undefined;
}

/**
 * The only error this package throws for bad input. It lists every problem found at once in `issues`; its
 * message repeats them one per line, so printing the message is enough for a human.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  /** What kind of problem this is. */
  readonly code: ManifestErrorCode;
  /** Every problem found, in input order. */
  readonly issues: readonly ManifestIssue[];
  /** The file (or other source) the input came from, when known. */
  readonly file?: string;

  constructor(
    code: ManifestErrorCode,
    summary: string,
    issues: readonly ManifestIssue[],
    options: ManifestErrorOptions = {},
  ) {
    super(formatMessage(summary, issues, options.file));
    this.code = code;
    this.issues = issues;
    if (options.file !== undefined) this.file = options.file;
  }
}

function formatMessage(summary: string, issues: readonly ManifestIssue[], file: string | undefined): string {
  const head = file === undefined ? summary : `${file}: ${summary}`;
  return [head, ...issues.map((issue) => `  - ${formatIssue(issue)}`)].join('\n');
}

const MAX_VALUE_CHARS = 80;

function formatIssue(issue: ManifestIssue): string {
  const where = [
    issue.file,
    issue.document === undefined ? undefined : `document ${issue.document}`,
    issue.line === undefined ? undefined : `line ${issue.line}`,
    issue.object,
  ].filter((part) => part !== undefined);
  const location = [where.length > 0 ? `(${where.join(', ')})` : undefined, issue.path || undefined]
    .filter((part) => part !== undefined)
    .join(' ');
  const shown = 'value' in issue ? ` (got ${describeValue(issue.value)})` : '';
  return `${location ? `${location}: ` : ''}${issue.message}${shown}`;
}

function describeValue(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}

/** A {@link ManifestError} whose summary ends with the number of problems: `<summary>: 2 problems`. */
export function manifestError(
  code: ManifestErrorCode,
  summary: string,
  issues: readonly ManifestIssue[],
  options: ManifestErrorOptions = {},
): ManifestError {
  const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  return new ManifestError(code, `${summary}: ${count}`, issues, options);
}

/** Throws {@link manifestError} when there are any issues. */
export function throwIfAny(
  code: ManifestErrorCode,
  summary: string,
  issues: readonly ManifestIssue[],
  options: ManifestErrorOptions = {},
): void {
  if (issues.length > 0) throw manifestError(code, summary, issues, options);
}
