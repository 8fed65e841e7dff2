import type { KubernetesCallContext } from '../auth/_kubernetes-errors.ts';
/** The minimum shape of a Kubernetes object that kubeship plans and applies. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/**
 * What applying one object will do. `replace`: a field the API server keeps immutable changes
 * where deleting and recreating is what a release means (a Job's pod template), so the live
 * object is deleted, its pods with it, and created again.
 */
export type ChangeAction = 'create' | 'update' | 'replace' | 'unchanged';

/** One field that differs between the live object and the desired one. */
export interface FieldChange {
  /** Dotted path; list items that have a `name` are addressed by it: `spec.template.spec.containers[web].image`. */
  readonly path: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

/** One object of the change set. */
export interface PlannedChange<T extends ObjectRef = ObjectRef> {
  readonly action: ChangeAction;
  readonly object: T;
  /** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
  readonly id: string;
  readonly changes: readonly FieldChange[];
}

const REDACTED = '[redacted]';
const SECRET_FIELDS = new Set(['data', 'stringData']);

/** `Kind namespace/name`, the way reports name an object. */
export function objectId(object: ObjectRef): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind} ${namespace}/${name}` : `${object.kind} ${name}`;
}

/** An object reduced to what a read or delete request names: apiVersion, kind, name, namespace. */
export function objectReference(object: ObjectRef): ObjectRef {
  const { name, namespace } = object.metadata;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
  };
}

/** The context that names one object's request in a Kubernetes error (`verb`, plural resource, where). */
export function objectCall(verb: string, object: ObjectRef): KubernetesCallContext {
  const { name, namespace } = object.metadata;
  return { verb, resource: `${object.kind.toLowerCase()}s`, ...(namespace ? { namespace } : {}), name };
}

/**
 * Pure: compares each desired object with its live counterpart (undefined when absent) and says
 * what applying it would change. Only fields kubeship sets are compared, so server defaults and
 * other managers' fields are not reported as changes. Secret values are never put in the result.
 */
export function planChanges<T extends ObjectRef>(
  desired: readonly T[],
  live: ReadonlyMap<string, unknown>,
): PlannedChange<T>[] {
  return desired.map((object) => {
    const id = objectId(object);
    const current = live.get(id);
    const redact = object.kind === 'Secret';
    if (current === undefined) return { action: 'create', object, id, changes: [] };
    const changes: FieldChange[] = [];
    diffInto(changes, '', object, current, redact);
    const action =
      changes.length === 0
        ? 'unchanged'
        : changes.some((c) => replacedFor(object, c.path))
          ? 'replace'
          : 'update';
    return { action, object, id, changes };
  });
}

/**
 * Pure: whether changing `field` of `object` means deleting and recreating it: a Job's pod
 * template, which the API server keeps immutable (a Job runs once; a release that changes it
 * means to run the new one). Other kinds' immutable fields are refused before anything changes
 * (a Deployment's selector, a Service's clusterIP).
 */
export function replacedFor(object: ObjectRef, field: string): boolean {
  return (
    object.kind === 'Job' && object.apiVersion.startsWith('batch/') && /^spec\.template(\.|\[|$)/.test(field)
  );
}

function diffInto(changes: FieldChange[], path: string, want: unknown, have: unknown, redact: boolean): void {
  if (isRecord(want) && isRecord(have)) {
    for (const [field, value] of Object.entries(want)) {
      if (path === 'metadata' && (field === 'resourceVersion' || field === 'managedFields')) continue;
      diffInto(changes, join(path, field), value, have[field], redact);
    }
    return;
  }
  if (Array.isArray(want) && Array.isArray(have) && want.every(hasName) && have.every(hasName)) {
    for (const item of want) {
      const match = have.find((candidate) => candidate.name === item.name);
      diffInto(changes, `${path}[${item.name}]`, item, match, redact);
    }
    return;
  }
  if (Array.isArray(want) && Array.isArray(have) && want.length === have.length) {
    want.forEach((item, i) => {
      diffInto(changes, `${path}[${i}]`, item, have[i], redact);
    });
    return;
  }
  // The API server omits zero values (omitempty): an unset field equals a desired 0, false, '' or {}.
  if (have === undefined && isZeroValue(want)) return;
  if (!equalValues(want, have)) {
    const secretLeaf = redact && SECRET_FIELDS.has(path.split('.')[0] ?? '');
    changes.push(
      secretLeaf
        ? { path, ...(have === undefined ? {} : { from: REDACTED }), to: REDACTED }
        : { path, ...(have === undefined ? {} : { from: have }), to: want },
    );
  }
}

function equalValues(want: unknown, have: unknown): boolean {
  if (want === have) return true;
  // The API server normalises quantities and numbers-as-strings; compare their text forms.
  if (
    (typeof want === 'number' || typeof want === 'string') &&
    (typeof have === 'number' || typeof have === 'string')
  ) {
    return String(want) === String(have);
  }
  return JSON.stringify(want) === JSON.stringify(have);
}

function isZeroValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.keys(value).length === 0;
  return value === 0 || value === false || value === '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasName(value: unknown): value is { name: string } {
  return isRecord(value) && typeof value.name === 'string';
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

/** One line per changed field, for humans: `spec.replicas: 2 -> 3`. */
export function describeChange(change: FieldChange): string {
  const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));
  return `${change.path}: ${show(change.from)} -> ${show(change.to)}`;
}
