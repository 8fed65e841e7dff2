import * as k8s from '@kubernetes/client-node';
import { describeKubernetesError } from '../auth/index.ts';
import { KubeshipError } from '../errors.ts';
import { FIELD_MANAGER } from './_field-manager.ts';
import { GONE_TIMEOUT_MS, untilGone } from './_gone.ts';
import { objectApiOf, RawObjectClient, UnservedKindError } from './_raw.ts';
import { type ObjectRef, objectId } from './plan.ts';
import { applyWaves } from './waves.ts';

export { FIELD_MANAGER } from './_field-manager.ts';

type Manifest = ObjectRef;

/** A `Warning` header the API server sent while (dry-)applying an object. */
export interface ApplyWarning {
  /** `Kind namespace/name` */
  readonly object: string;
  readonly message: string;
}

/**
 * Reads the live counterpart of each object (absent ones are left out), keyed by `objectId`. An
 * object of a kind the cluster does not serve counts as absent: the dry-run names it.
 */
export async function readLive(
  kc: k8s.KubeConfig,
  objects: readonly Manifest[],
): Promise<Map<string, k8s.KubernetesObject>> {
  const client = new RawObjectClient(kc);
  const found = await Promise.all(
    objects.map(async (object) => {
      try {
        const live = await client.read(object as k8s.KubernetesObject);
        return live === undefined ? undefined : ([objectId(object), live] as const);
      } catch (error) {
        if (error instanceof UnservedKindError) return undefined;
        throw describeKubernetesError(error, verbFor('get', object));
      }
    }),
  );
  return new Map(found.filter((entry) => entry !== undefined));
}

/**
 * Server-side dry-run of the whole set (server-side apply, dryRun=All). Every rejection is
 * collected, and one error lists them all: APPLY_CONFLICT when every rejection is a field-manager
 * conflict, DRY_RUN_REJECTED otherwise (an unknown kind, a namespace that does not exist and an
 * invalid field are among them); nothing is changed either way. Returns the `Warning` headers.
 */
export async function dryRunAll(
  kc: k8s.KubeConfig,
  objects: readonly Manifest[],
  options: { force: boolean },
): Promise<{ warnings: ApplyWarning[] }> {
  const client = new RawObjectClient(kc);
  const warnings: ApplyWarning[] = [];
  const rejections = (
    await Promise.all(
      objects.map(async (object) => {
        try {
          await serverSideApply(client, object, { dryRun: true, force: options.force, warnings });
          return undefined;
        } catch (error) {
          if (!isReplaceable(object, error))
            return { id: objectId(object), error: asApplyError(error, object) };
        }
        // a Job to replace: its new form is checked as a new object beside it
        try {
          await serverSideApply(client, replacementProbe(object), {
            dryRun: true,
            force: options.force,
            warnings,
            id: objectId(object),
          });
          return undefined;
        } catch (error) {
          return { id: objectId(object), error: asApplyError(error, object) };
        }
      }),
    )
  ).filter((rejection) => rejection !== undefined);
  if (rejections.length === 0) return { warnings };
  const access = rejections.find((r) => r.error.code === 'FORBIDDEN' || r.error.code === 'UNAUTHORIZED');
  if (access) throw access.error;
  const conflicts = rejections.every((r) => r.error.code === 'APPLY_CONFLICT');
  throw new KubeshipError(
    conflicts ? 'APPLY_CONFLICT' : 'DRY_RUN_REJECTED',
    `the server-side dry-run rejected ${rejections.length} of ${objects.length} objects; nothing was applied:\n${rejections
      .map((r) => `  - ${r.id}: ${r.error.message}`)
      .join('\n')}`,
    {
      details: {
        rejections: rejections.map((r) => ({ object: r.id, code: r.error.code, message: r.error.message })),
      },
    },
  );
}

/**
 * Server-side applies the objects with field manager `kubeship`, wave after wave (see
 * {@link applyWaves}: namespaces and CRDs, then what pods read, then the workloads, then custom
 * resources), the objects of a wave together under the KubeConfig's request limit. Every
 * object of a failed wave is tried before the first failure (in the order of `objects`) is
 * thrown; later waves are not applied. Returns the API server's `Warning` headers.
 */
export async function applyAll(
  kc: k8s.KubeConfig,
  objects: readonly Manifest[],
  options: { force: boolean },
): Promise<{ warnings: ApplyWarning[] }> {
  const client = new RawObjectClient(kc);
  const warnings: ApplyWarning[] = [];
  const applyOne = async (object: Manifest): Promise<void> => {
    const write = () => serverSideApply(client, object, { dryRun: false, force: options.force, warnings });
    try {
      await write();
    } catch (error) {
      if (!isReplaceable(object, error)) throw asApplyError(error, object);
      await deleteForReplacement(kc, object);
      await write().catch((again: unknown) => Promise.reject(asApplyError(again, object)));
    }
  };
  for (const wave of applyWaves(objects)) {
    const failure = (await Promise.allSettled(wave.map(applyOne))).find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }
  return { warnings };
}

async function serverSideApply(
  client: RawObjectClient,
  object: Manifest,
  options: { dryRun: boolean; force: boolean; warnings: ApplyWarning[]; id?: string },
): Promise<void> {
  const id = options.id ?? objectId(object);
  await client.apply(object as k8s.KubernetesObject, {
    fieldManager: FIELD_MANAGER,
    dryRun: options.dryRun,
    force: options.force,
    onWarnings: (texts) => options.warnings.push(...texts.map((message) => ({ object: id, message }))),
  });
}

/** What the API server says when a field may not change. */
const IMMUTABLE = /field is immutable|may not change once set|is immutable|updates to .+ are forbidden/i;

type Cause = { field?: string; message?: string; reason?: string };

/** The fields an Invalid (422) answer refuses because they may not change. */
function immutableFieldsOf(error: unknown): string[] {
  if (statusOf(error) !== 422) return [];
  const causes = (bodyOf(error)?.details?.causes ?? []) as Cause[];
  return causes.filter((c) => IMMUTABLE.test(c.message ?? '')).map((c) => c.field ?? '(unnamed field)');
}

/** A Job refused only for immutable fields: it is replaced (see `replacedFor` of the plan). */
function isReplaceable(object: Manifest, error: unknown): boolean {
  if (object.kind !== 'Job' || !object.apiVersion.startsWith('batch/')) return false;
  const causes = (bodyOf(error)?.details?.causes ?? []) as Cause[];
  return causes.length > 0 && immutableFieldsOf(error).length === causes.length;
}

/** The object under a name of its own, to dry-run what creating it anew would meet. */
function replacementProbe(object: Manifest): Manifest {
  const name = `${object.metadata.name.slice(0, 40).replace(/[-.]+$/, '')}-kubeship-replace`;
  return { ...object, metadata: { ...object.metadata, name } };
}

/**
 * Deletes an object to create it anew, its dependents first (a Job's pods: the old run is over
 * before the new one starts), and waits until it is gone.
 */
async function deleteForReplacement(kc: k8s.KubeConfig, object: Manifest): Promise<void> {
  const ref = object as k8s.KubernetesObject;
  try {
    await objectApiOf(kc).delete(ref, undefined, undefined, undefined, undefined, 'Foreground');
  } catch (error) {
    if (statusOf(error) !== 404) throw describeKubernetesError(error, verbFor('delete', object));
  }
  if (!(await untilGone(kc, object)))
    throw new KubeshipError(
      'API_ERROR',
      `${objectId(object)} was deleted to be replaced (its ${immutableHint(object)} cannot change) but is still there after ${GONE_TIMEOUT_MS / 1000} s: a finalizer or its dependents hold it`,
      { details: { object: objectId(object) } },
    );
}

const immutableHint = (object: Manifest) => (object.kind === 'Job' ? 'pod template' : 'immutable fields');

/** Deletes objects kubeship created moments ago (best effort: they are empty namespaces). */
export async function deleteQuietly(kc: k8s.KubeConfig, objects: readonly Manifest[]): Promise<void> {
  const client = objectApiOf(kc);
  await Promise.all(
    objects.map((object) => client.delete(object as k8s.KubernetesObject).catch(() => undefined)),
  );
}

/** Field-manager conflicts become APPLY_CONFLICT naming fields and managers; the rest via describeKubernetesError. */
function asApplyError(error: unknown, object: Manifest): KubeshipError {
  if (statusOf(error) === 409) {
    const causes = (bodyOf(error)?.details?.causes ?? []) as Array<{ field?: string; message?: string }>;
    const fields = causes.map((c) => `${c.field ?? '?'} (${c.message ?? 'conflict'})`);
    return new KubeshipError(
      'APPLY_CONFLICT',
      `${objectId(object)}: fields owned by another field manager: ${fields.join('; ') || bodyOf(error)?.message}. ` +
        'Another tool changed them since the last deploy; make it stop managing them, or deploy with --force (library: force: true) to take them over.',
      { details: { object: objectId(object), conflicts: causes } },
    );
  }
  // Unknown fields come back as 400 (strict decoding) or, from server-side apply, 500 "field not
  // declared in schema"; an unknown kind fails discovery. All are problems of the input.
  const immutable = immutableFieldsOf(error);
  if (immutable.length > 0) {
    return new KubeshipError(
      'DRY_RUN_REJECTED',
      `${objectId(object)}: ${immutable.join(', ')} cannot change once set (the API server keeps ${immutable.length > 1 ? 'them' : 'it'} immutable): keep the live value, or delete the object to have the deploy create it anew`,
      { details: { object: objectId(object), fields: immutable, immutable: true } },
    );
  }
  const unknownField = statusOf(error) === 500 && /not declared in schema/.test(bodyOf(error)?.message ?? '');
  if (statusOf(error) === 422 || statusOf(error) === 400 || unknownField) {
    return new KubeshipError('DRY_RUN_REJECTED', bodyOf(error)?.message ?? 'rejected by the API server', {
      details: { object: objectId(object) },
    });
  }
  if (
    error instanceof UnservedKindError ||
    (statusOf(error) === 404 && /no matches for kind/.test(bodyOf(error)?.message ?? ''))
  ) {
    return new KubeshipError(
      'DRY_RUN_REJECTED',
      `the cluster does not serve ${object.apiVersion} ${object.kind} (a typo in apiVersion or kind, or its CRD is not installed)`,
      { details: { object: objectId(object), apiVersion: object.apiVersion, kind: object.kind } },
    );
  }
  const missing = bodyOf(error)?.details;
  if (statusOf(error) === 404 && missing?.kind === 'namespaces') {
    return new KubeshipError(
      'DRY_RUN_REJECTED',
      `namespace "${missing.name}" does not exist: create it first, or add a Namespace object to the templates`,
      { details: { object: objectId(object), namespace: missing.name } },
    );
  }
  return describeKubernetesError(error, verbFor('patch', object));
}

function verbFor(verb: string, object: Manifest) {
  const namespace = object.metadata.namespace;
  return { verb, resource: object.kind, name: object.metadata.name, ...(namespace ? { namespace } : {}) };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof k8s.ApiException ? error.code : undefined;
}

type StatusBody = { message?: string; details?: { causes?: unknown[]; kind?: string; name?: string } };

function bodyOf(error: unknown): StatusBody | undefined {
  if (!(error instanceof k8s.ApiException)) return undefined;
  const body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return body as StatusBody;
}

/**
 * The namespaces the objects go to that do not exist and that no Namespace object of the set
 * creates, each with the objects bound for it. A principal that may not read namespaces gets
 * no answer (an empty list): the dry-run then says what is wrong.
 */
export async function missingNamespaces(
  kc: k8s.KubeConfig,
  objects: readonly Manifest[],
): Promise<Array<{ namespace: string; objects: string[] }>> {
  const created = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const wanted = new Map<string, string[]>();
  for (const object of objects) {
    const namespace = object.metadata.namespace;
    if (!namespace || created.has(namespace)) continue;
    wanted.set(namespace, [...(wanted.get(namespace) ?? []), objectId(object)]);
  }
  const client = new RawObjectClient(kc);
  const missing = await Promise.all(
    [...wanted].map(async ([namespace, ids]) => {
      try {
        const live = await client.read({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: namespace },
        });
        return live === undefined ? [{ namespace, objects: ids }] : [];
      } catch (error) {
        const mapped = describeKubernetesError(error, {
          verb: 'get',
          resource: 'namespaces',
          name: namespace,
        });
        if (mapped.code === 'FORBIDDEN') return [];
        throw mapped;
      }
    }),
  );
  return missing.flat();
}
