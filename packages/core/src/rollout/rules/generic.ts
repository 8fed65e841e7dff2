import { failed, healthy, isRecord, progressing } from './_common.ts';
import type { Health, HealthRule, KubeObject } from './types.ts';

/** A condition as custom resources carry them (metav1.Condition, or the older shapes). */
interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly observedGeneration?: number;
}

/**
 * Every other kind, judged by the conventions controllers follow (kstatus-like): Stalled or
 * Failed True is failed; an `observedGeneration` behind `metadata.generation` (of the status or of
 * a condition) or Reconciling True is progressing; Ready (or Available) True is healthy, False or
 * Unknown progressing. A current `observedGeneration` without such conditions is healthy; an
 * object with neither conditions nor `observedGeneration` is `unverified`.
 */
export const genericRule: HealthRule = {
  name: 'generic',
  needs: [],
  judge(object) {
    const status = isRecord(object.status) ? object.status : {};
    const generation =
      typeof object.metadata.generation === 'number' ? object.metadata.generation : undefined;
    const observed = typeof status.observedGeneration === 'number' ? status.observedGeneration : undefined;
    const all = Array.isArray(status.conditions) ? status.conditions.filter(isCondition) : [];
    if (all.length === 0 && observed === undefined) {
      return { status: 'unverified', summary: 'no status conditions or observedGeneration to judge' };
    }
    const stale = (c: Condition) =>
      c.observedGeneration !== undefined && generation !== undefined && c.observedGeneration < generation;
    const current = all.filter((c) => !stale(c));
    const is = (type: string, value = 'True') => current.find((c) => c.type === type && c.status === value);
    const stuck = is('Stalled') ?? is('Failed');
    if (stuck) return failed(stuck.reason || stuck.type, describe(stuck));
    if (generation !== undefined && observed !== undefined && observed < generation) {
      return progressing(`waiting for the controller to observe generation ${generation}`);
    }
    const reconciling = is('Reconciling');
    if (reconciling) return progressing(describe(reconciling));
    const ready = all.find((c) => c.type === 'Ready') ?? all.find((c) => c.type === 'Available');
    if (ready && stale(ready)) {
      return progressing(`${ready.type} describes generation ${ready.observedGeneration}, not ${generation}`);
    }
    if (ready) return ready.status === 'True' ? healthy(describe(ready)) : progressing(describe(ready));
    return observedOnly(object, observed);
  },
};

function observedOnly(object: KubeObject, observed: number | undefined): Health {
  if (observed !== undefined) return healthy(`observedGeneration ${observed} is current; no Ready condition`);
  return {
    status: 'unverified',
    summary: `${object.kind} has conditions but none of Ready, Available, Reconciling, Stalled or Failed`,
  };
}

function describe(condition: Condition): string {
  const reason = condition.reason ? `: ${condition.reason}` : '';
  const message = condition.message ? `: ${condition.message}` : '';
  return `${condition.type} ${condition.status}${reason}${message}`;
}

function isCondition(value: unknown): value is Condition {
  return isRecord(value) && typeof value.type === 'string' && typeof value.status === 'string';
}
