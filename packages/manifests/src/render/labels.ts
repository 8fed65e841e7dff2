import type { KubeMetadata } from '../_kube-object.ts';
import type { ValidApp } from '../spec/app.ts';

/** The value of `app.kubernetes.io/managed-by` on everything kubeship renders. */
export const MANAGED_BY = 'kubeship';

/** The Deployment selector: name and instance only, so it never changes between releases. */
export const selectorLabels = (app: ValidApp): Record<string, string> => ({
  'app.kubernetes.io/name': app.name,
  'app.kubernetes.io/instance': app.instance ?? app.name,
});

/** Labels of every rendered object: the user's, the selector's and managed-by. */
export const commonLabels = (app: ValidApp): Record<string, string> => ({
  ...app.labels,
  ...selectorLabels(app),
  'app.kubernetes.io/managed-by': MANAGED_BY,
});

/** Pod template labels: the common ones plus `app.kubernetes.io/version` from the image tag, if any. */
export const podLabels = (app: ValidApp, version: string | undefined): Record<string, string> => ({
  ...commonLabels(app),
  ...(version === undefined ? {} : { 'app.kubernetes.io/version': version }),
});

/** Metadata of a namespaced object of the app. */
export const objectMetadata = (
  app: ValidApp,
  name: string,
  annotations?: Readonly<Record<string, string>>,
): KubeMetadata => ({
  name,
  namespace: app.namespace,
  labels: commonLabels(app),
  ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
});
