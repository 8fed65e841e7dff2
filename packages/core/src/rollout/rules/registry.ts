import { cronJobRule } from './cron-job.ts';
import { customResourceDefinitionRule } from './custom-resource-definition.ts';
import { daemonSetRule } from './daemon-set.ts';
import { deploymentRule } from './deployment.ts';
import { genericRule } from './generic.ts';
import { horizontalPodAutoscalerRule } from './hpa.ts';
import { jobRule } from './job.ts';
import { loadBalancerRule, WAIT_FOR_ADDRESS_ANNOTATION } from './load-balancer.ts';
import { persistentVolumeClaimRule } from './persistent-volume-claim.ts';
import { podRule } from './pod.ts';
import { replicaSetRule } from './replica-set.ts';
import { statefulSetRule } from './stateful-set.ts';
import { namespaceRule, STATIC_KINDS, staticRule } from './static.ts';
import type { HealthRule } from './types.ts';

/** What {@link healthRuleFor} looks at: the kind, and for Services and Ingresses the spec or annotations. */
export interface RuleSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: unknown;
  readonly status?: unknown;
}

type Choice = HealthRule | ((object: RuleSubject) => HealthRule);

const loadBalancerService = loadBalancerRule('Service');
const addressedIngress = loadBalancerRule('Ingress');
const staticIngress = staticRule(
  'Ingress',
  'applied (an Ingress gets an address only where a controller serves it)',
);

const RULES = new Map<string, Choice>([
  ['apps/Deployment', deploymentRule],
  ['apps/StatefulSet', statefulSetRule],
  ['apps/DaemonSet', daemonSetRule],
  ['apps/ReplicaSet', replicaSetRule],
  ['batch/Job', jobRule],
  ['batch/CronJob', cronJobRule],
  ['/Pod', podRule],
  ['/PersistentVolumeClaim', persistentVolumeClaimRule],
  ['/Namespace', namespaceRule],
  ['/Service', serviceRule],
  ['networking.k8s.io/Ingress', ingressRule],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerRule],
  ['apiextensions.k8s.io/CustomResourceDefinition', customResourceDefinitionRule],
  ...STATIC_KINDS.map((key): [string, Choice] => [key, staticRule(key.slice(key.indexOf('/') + 1))]),
]);

/**
 * The health rule of an object's kind (by API group and kind, any version). Never undefined:
 * kinds without a rule of their own get the generic conditions rule, which says `unverified`
 * when the object carries nothing to judge. Call it with the desired object to learn what to
 * watch (`needs`), and judge the live one.
 */
export function healthRuleFor(object: RuleSubject): HealthRule {
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  const choice = RULES.get(`${group}/${object.kind}`) ?? genericRule;
  return typeof choice === 'function' ? choice(object) : choice;
}

/** Services: a LoadBalancer waits for its address; every other type only needs to exist. */
function serviceRule(object: RuleSubject): HealthRule {
  const type = (object.spec as { type?: string } | undefined)?.type ?? 'ClusterIP';
  if (type === 'LoadBalancer') return loadBalancerService;
  return staticRule('Service', `applied (${type} Service: no runtime status)`);
}

/** Ingresses: static, unless annotated to wait for the address of their controller. */
function ingressRule(object: RuleSubject): HealthRule {
  return object.metadata?.annotations?.[WAIT_FOR_ADDRESS_ANNOTATION] === 'true'
    ? addressedIngress
    : staticIngress;
}
