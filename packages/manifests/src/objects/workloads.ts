// Where each workload kind keeps its pod spec and pod labels.
import { isRecord, type KubeObject } from '../_kube-object.ts';

const TEMPLATE = ['spec', 'template'] as const;

/** The path to the pod template (or, for a Pod, to the pod itself) of each workload kind. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: TEMPLATE,
  StatefulSet: TEMPLATE,
  DaemonSet: TEMPLATE,
  ReplicaSet: TEMPLATE,
  Job: TEMPLATE,
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

/** The workload kinds: the kinds that run pods from a template of their own (or are a Pod). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(Object.keys(POD_TEMPLATE_PATHS));

/** The annotation `kubectl rollout history` shows as a revision's cause. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** Kinds whose `spec.selector.matchLabels` must match their pod template's labels. */
export const SELECTOR_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
]);

/** The path of a workload's pod template, or `undefined` for other kinds. */
export const podTemplatePath = (kind: string): readonly string[] | undefined =>
  Object.hasOwn(POD_TEMPLATE_PATHS, kind) ? POD_TEMPLATE_PATHS[kind] : undefined;

/** The value at `path` in `value`, if every step is an object. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const segment of path) {
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Every container and init container of a workload object, with its path; nothing for other kinds. */
export function podContainers(
  object: unknown,
): { path: (string | number)[]; container: Record<string, unknown> }[] {
  const template =
    isRecord(object) && typeof object.kind === 'string' ? podTemplatePath(object.kind) : undefined;
  if (template === undefined) return [];
  const specPath = [...template, 'spec'];
  return (['initContainers', 'containers'] as const).flatMap((field) => {
    const list = valueAt(object, [...specPath, field]);
    return Array.isArray(list)
      ? list.flatMap((container, index) =>
          isRecord(container) ? [{ path: [...specPath, field, index], container }] : [],
        )
      : [];
  });
}

/** The container images (init containers first) of a workload's pod template, or of a Pod; none for other kinds. */
export const imagesOf = (object: KubeObject): string[] =>
  podContainers(object).map(({ container }) => (typeof container.image === 'string' ? container.image : ''));

/** A workload stamped with `kubernetes.io/change-cause`; other kinds, or no cause, unchanged. */
export function withChangeCause<T extends KubeObject>(object: T, changeCause: string | undefined): T {
  if (!changeCause || !WORKLOAD_KINDS.has(object.kind)) return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [CHANGE_CAUSE_ANNOTATION]: changeCause },
    },
  };
}
