// Deployment, HorizontalPodAutoscaler and PodDisruptionBudget.
import { compact } from '../_compact.ts';
import type { KubeObject } from '../_kube-object.ts';
import type { ValidApp } from '../spec/app.ts';
import { disruptionBudget, hpaTargets } from '../spec/resolve.ts';
import { objectMetadata, podLabels, selectorLabels } from './labels.ts';

const PRESETS = {
  'one-at-a-time': { maxSurge: 1, maxUnavailable: 0 },
  'half-at-a-time': { maxSurge: '50%', maxUnavailable: 0 },
  'all-at-once': { maxSurge: '100%', maxUnavailable: 0 },
} as const;

function strategy(app: ValidApp) {
  if (app.strategy === 'recreate') return { type: 'Recreate' };
  const rollingUpdate = typeof app.strategy === 'string' ? PRESETS[app.strategy] : app.strategy;
  return { type: 'RollingUpdate', rollingUpdate: { ...rollingUpdate } };
}

/** The Deployment; `replicas` is left to the HPA when there is one. */
export function deployment(
  app: ValidApp,
  pod: { spec: Record<string, unknown>; version: string | undefined; annotations: Record<string, string> },
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMetadata(app, app.name),
    spec: compact({
      replicas: app.hpa ? undefined : app.replicas,
      selector: { matchLabels: selectorLabels(app) },
      strategy: strategy(app),
      progressDeadlineSeconds: app.progressDeadlineSeconds,
      revisionHistoryLimit: app.revisionHistoryLimit,
      minReadySeconds: app.minReadySeconds,
      template: {
        metadata: compact({
          labels: podLabels(app, pod.version),
          annotations: Object.keys(pod.annotations).length > 0 ? pod.annotations : undefined,
        }),
        spec: pod.spec,
      },
    }),
  };
}

/** The HorizontalPodAutoscaler (autoscaling/v2), if the app autoscales. */
export function horizontalPodAutoscaler(app: ValidApp): KubeObject | undefined {
  if (!app.hpa) return undefined;
  const targets = hpaTargets(app.hpa);
  const metric = (name: string, averageUtilization: number) => ({
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization } },
  });
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: objectMetadata(app, app.name),
    spec: compact({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
      minReplicas: app.hpa.minReplicas ?? app.replicas,
      maxReplicas: app.hpa.maxReplicas,
      metrics: [
        ...(targets.cpu === undefined ? [] : [metric('cpu', targets.cpu)]),
        ...(targets.memory === undefined ? [] : [metric('memory', targets.memory)]),
      ],
      behavior:
        app.hpa.scaleDownStabilizationSeconds === undefined
          ? undefined
          : { scaleDown: { stabilizationWindowSeconds: app.hpa.scaleDownStabilizationSeconds } },
    }),
  };
}

/** The PodDisruptionBudget (policy/v1), if the app has one. */
export function podDisruptionBudget(app: ValidApp): KubeObject | undefined {
  const budget = disruptionBudget(app);
  if (!budget) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMetadata(app, app.name),
    spec: {
      selector: { matchLabels: selectorLabels(app) },
      ...budget,
      // a crash-looping pod must not block node drains
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
