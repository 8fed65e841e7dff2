import * as k8s from '@kubernetes/client-node';
import { describeKubernetesError } from '../auth/index.ts';
import { KubeshipError } from '../errors.ts';
import { RawObjectClient } from './_raw.ts';
import { type ObjectRef, objectId } from './plan.ts';

/** The field manager of every write kubeship makes. */
export const FIELD_MANAGER = 'kubeship';

type Manifest = ObjectRef;

/** Reads the live counterpart of each object (absent ones are left out), keyed by `objectId`. */
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
        throw describeKubernetesError(error, verbFor('get', object));
      }
    }),
  );
  return new Map(found.filter((entry) => entry !== undefined));
}

/**
 * Server-side dry-run of the whole set (server-side apply, dryRun=All). Every rejection is
 * collected, and one DRY_RUN_REJECTED error lists them all; nothing is changed either way.
 */
export async function dryRunAll(
  kc: k8s.KubeConfig,
  objects: readonly Manifest[],
  options: { force: boolean },
): Promise<void> {
  const client = new RawObjectClient(kc);
  const rejections = (
    await Promise.all(
      objects.map(async (object) => {
        try {
          await serverSideApply(client, object, { dryRun: true, force: options.force });
          return undefined;
        } catch (error) {
          return { id: objectId(object), error: asApplyError(error, object) };
        }
      }),
    )
  ).filter((rejection) => rejection !== undefined);
  if (rejections.length === 0) return;
  const access = rejections.find((r) => r.error.code === 'FORBIDDEN' || r.error.code === 'UNAUTHORIZED');
  if (access) throw access.error;
  throw new KubeshipError(
    'DRY_RUN_REJECTED',
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

/** Server-side applies each object in order with field manager `kubeship`; returns the applied objects. */
export async function applyAll(
  kc: k8s.KubeConfig,
  objects: readonly Manifest[],
  options: { force: boolean },
): Promise<k8s.KubernetesObject[]> {
  const client = new RawObjectClient(kc);
  const applied: k8s.KubernetesObject[] = [];
  for (const object of objects) {
    try {
      applied.push(await serverSideApply(client, object, { dryRun: false, force: options.force }));
    } catch (error) {
      throw asApplyError(error, object);
    }
  }
  return applied;
}

function serverSideApply(
  client: RawObjectClient,
  object: Manifest,
  options: { dryRun: boolean; force: boolean },
): Promise<k8s.KubernetesObject> {
  return client.apply(object as k8s.KubernetesObject, { fieldManager: FIELD_MANAGER, ...options });
}

/** Deletes objects kubeship created moments ago (best effort: they are empty namespaces). */
export async function deleteQuietly(kc: k8s.KubeConfig, objects: readonly Manifest[]): Promise<void> {
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
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
        'Another tool changed them since the last deploy; make it stop managing them, or deploy with force to take them over.',
      { details: { object: objectId(object), conflicts: causes } },
    );
  }
  // Unknown fields come back as 400 (strict decoding) or, from server-side apply, 500 "field not
  // declared in schema"; an unknown kind fails discovery. All are problems of the input.
  const unknownField = statusOf(error) === 500 && /not declared in schema/.test(bodyOf(error)?.message ?? '');
  if (statusOf(error) === 422 || statusOf(error) === 400 || unknownField) {
    return new KubeshipError('DRY_RUN_REJECTED', bodyOf(error)?.message ?? 'rejected by the API server', {
      details: { object: objectId(object) },
    });
  }
  if (
    !(error instanceof k8s.ApiException) &&
    error instanceof Error &&
    /Unrecognized API version and kind/.test(error.message)
  ) {
    return new KubeshipError(
      'DRY_RUN_REJECTED',
      `the cluster does not serve ${object.apiVersion} ${object.kind} (is its CRD installed?)`,
      {
        details: { object: objectId(object) },
      },
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

function bodyOf(error: unknown): { message?: string; details?: { causes?: unknown[] } } | undefined {
  if (!(error instanceof k8s.ApiException)) return undefined;
  const body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as { message?: string };
    } catch {
      return { message: body };
    }
  }
  return body as { message?: string };
}
