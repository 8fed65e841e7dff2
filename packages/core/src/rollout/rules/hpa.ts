import type { V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerCondition } from '@kubernetes/client-node';
import {
  afterGrace,
  asModel,
  awaitingController,
  failed,
  generationObserved,
  healthy,
  progressing,
} from './_common.ts';
import type { HealthRule } from './types.ts';

/** How long an HPA may fail to read its metrics or its target before it fails (new pods report late). */
export const DEFAULT_METRICS_GRACE_MS = 60_000;

/** Where autoscaling/v1 objects carry the v2 conditions. */
const V1_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

/** Condition reasons that mean the HPA cannot do its job (it keeps trying). */
const FAILING_REASONS = new Set([
  'FailedGetScale',
  'FailedUpdateScale',
  'FailedGetResourceMetric',
  'FailedGetContainerResourceMetric',
  'FailedGetPodsMetric',
  'FailedGetObjectMetric',
  'FailedGetExternalMetric',
  'FailedComputeMetricsReplicas',
  'InvalidSelector',
  'InvalidMetricSourceType',
]);

/** Messages that no waiting will fix: the pods lack the resource requests a utilization target needs. */
const DEFINITE_MESSAGE = /missing request for/i;

/**
 * Messages of an HPA that cannot read metrics because the cluster does not serve the metrics API
 * it needs (no APIService registered): a cluster problem that rolling the app back cannot fix.
 */
const MISSING_METRICS_APIS = [
  {
    pattern:
      /resource metrics API: the server could not find the requested resource \(get pods\.metrics\.k8s\.io\)/,
    summary: 'the cluster serves no metrics API (install metrics-server)',
  },
  {
    pattern: /no custom metrics API \(custom\.metrics\.k8s\.io\) registered/,
    summary: 'the cluster serves no custom metrics API (custom.metrics.k8s.io; install a metrics adapter)',
  },
  {
    pattern: /the server could not find the requested resource \(get [^)]*\.external\.metrics\.k8s\.io\)/,
    summary:
      'the cluster serves no external metrics API (external.metrics.k8s.io; install a metrics adapter)',
  },
] as const;

/** The verdict on an HPA whose only trouble is a metrics API the cluster does not serve, if that is it. */
function missingMetricsApi(message: string): string | undefined {
  return MISSING_METRICS_APIS.find((api) => api.pattern.test(message))?.summary;
}

/**
 * HorizontalPodAutoscalers (autoscaling/v2, and v1 through its conditions annotation): AbleToScale
 * and ScalingActive True is healthy; ScalingActive False for ScalingDisabled (the target is scaled
 * to 0) too, and said so. Failing to get the scale or the metrics, or an invalid selector, fails
 * only after a grace from the apply (metrics of new pods come late), unless the message says the
 * pods lack resource requests; without conditions yet it is progressing. An HPA that cannot read
 * metrics only because the cluster serves no metrics API (no metrics-server, no custom or
 * external metrics adapter) is `unverified` with that said: the release is not at fault and a
 * rollback would not fix it. Its own faults (target missing, bad metric spec) still fail.
 */
export const horizontalPodAutoscalerRule: HealthRule = {
  name: 'HorizontalPodAutoscaler',
  needs: [],
  judge(object, _view, context) {
    const hpa = asModel<V2HorizontalPodAutoscaler>(object);
    if (hpa.status?.observedGeneration !== undefined && !generationObserved(hpa))
      return awaitingController(hpa);
    const conditions = conditionsOf(hpa);
    const able = conditions.find((c) => c.type === 'AbleToScale');
    const active = conditions.find((c) => c.type === 'ScalingActive');
    if (!able || !active) return progressing('waiting for the HPA controller to evaluate it (every 15 s)');

    const failing = [able, active].find((c) => c.status === 'False' && FAILING_REASONS.has(c.reason ?? ''));
    if (failing) {
      const missingApi = missingMetricsApi(failing.message ?? '');
      if (missingApi) return { status: 'unverified', summary: missingApi };
      const summary = `${failing.type} False: ${failing.reason}: ${failing.message ?? ''}`.trim();
      const fail = () => failed(failing.reason ?? 'ScalingInactive', summary);
      if (DEFINITE_MESSAGE.test(failing.message ?? '')) return fail();
      const grace = context.rules.metricsGraceMs ?? DEFAULT_METRICS_GRACE_MS;
      return afterGrace(context.appliedAt, grace, context.now, {
        failed: fail,
        progressing: (recheckAt) => progressing(summary, { recheckAt }),
      });
    }
    const replicas = `${hpa.status?.currentReplicas ?? 0} replica(s) (min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas})`;
    if (active.status === 'False' && active.reason === 'ScalingDisabled') {
      return healthy(`scaling disabled: ${active.message ?? 'the target is scaled to 0'}`);
    }
    if (active.status === 'True') {
      // AbleToScale False for a backoff after a recent scale is the HPA working, not failing.
      const backoff = able.status === 'True' ? '' : `; ${able.reason}`;
      const limited = conditions.find((c) => c.type === 'ScalingLimited' && c.status === 'True');
      return healthy(`scaling active: ${replicas}${backoff}${limited ? `; limited: ${limited.reason}` : ''}`);
    }
    return progressing(
      `ScalingActive ${active.status}: ${active.reason ?? ''}: ${active.message ?? ''}; ${replicas}`,
    );
  },
};

function conditionsOf(hpa: V2HorizontalPodAutoscaler): readonly V2HorizontalPodAutoscalerCondition[] {
  if (hpa.status?.conditions) return hpa.status.conditions;
  const annotation = hpa.metadata?.annotations?.[V1_CONDITIONS_ANNOTATION];
  if (!annotation) return [];
  try {
    const parsed: unknown = JSON.parse(annotation);
    return Array.isArray(parsed) ? (parsed as V2HorizontalPodAutoscalerCondition[]) : [];
  } catch {
    return [];
  }
}
