// Hook Jobs of the app spec: the main container's image, env and security, run to completion.
import { compact } from '../_compact.ts';
import type { KubeObject } from '../_kube-object.ts';
import type { ValidApp } from '../spec/app.ts';
import { commonLabels, MANAGED_BY } from './labels.ts';

/** Annotation that makes a Job a release hook: `pre-deploy` or `post-deploy`. */
export const HOOK_ANNOTATION = 'kubeship.dev/hook';
/** Annotation: how long a hook may run, in whole seconds (default 300). */
export const HOOK_TIMEOUT_ANNOTATION = 'kubeship.dev/hook-timeout-seconds';
/** Annotation: `succeeded` (default) deletes a passed hook's Job; `never` keeps it. */
export const HOOK_DELETE_POLICY_ANNOTATION = 'kubeship.dev/hook-delete-policy';

/**
 * The spec's hooks as Jobs annotated for core's engine. Each runs the main container (its image
 * after any override, env, config and security) with the hook's command, without probes, ports
 * or sidecars, and with pod labels outside the app's selector, so no Service sends it traffic.
 */
export function hookJobs(app: ValidApp, pod: Record<string, unknown>): KubeObject[] {
  const {
    topologySpreadConstraints: _spread,
    containers,
    ...spec
  } = pod as {
    topologySpreadConstraints?: unknown;
    containers: Array<Record<string, unknown>>;
  };
  const {
    readinessProbe: _r,
    livenessProbe: _l,
    startupProbe: _s,
    ports: _p,
    command: _c,
    args: _a,
    ...main
  } = containers[0] ?? {};
  return (app.hooks ?? []).map((hook) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: hook.name,
      namespace: app.namespace,
      labels: commonLabels(app),
      annotations: {
        [HOOK_ANNOTATION]: hook.phase,
        [HOOK_TIMEOUT_ANNOTATION]: String(hook.timeoutSeconds),
        [HOOK_DELETE_POLICY_ANNOTATION]: hook.deletePolicy,
      },
    },
    spec: {
      backoffLimit: hook.backoffLimit,
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': hook.name,
            'app.kubernetes.io/part-of': app.name,
            'app.kubernetes.io/managed-by': MANAGED_BY,
          },
        },
        spec: {
          ...spec,
          restartPolicy: 'Never',
          containers: [
            compact({
              ...main,
              name: hook.name,
              image: hook.image ?? main.image,
              command: hook.command,
              args: hook.args,
            }),
          ],
        },
      },
    },
  }));
}
