import type { V1LoadBalancerStatus } from '@kubernetes/client-node';
import { eventsAbout, healthy, progressing } from './_common.ts';
import type { HealthRule, KubeObject } from './types.ts';

/** The annotation that makes kubeship wait for an Ingress to get an address from its controller. */
export const WAIT_FOR_ADDRESS_ANNOTATION = 'kubeship.dev/wait-for-address';

/** Load balancers take minutes to provision (an AWS NLB or ALB often 2 to 5). */
const LOAD_BALANCER_TIMEOUT_MS = 15 * 60_000;

/** Warnings of cloud controllers and the AWS Load Balancer Controller while they retry. */
const TROUBLE_REASONS = [
  'SyncLoadBalancerFailed',
  'FailedBuildModel',
  'FailedDeployModel',
  'FailedLoadBalancer',
];

/**
 * A rule for objects that are ready once a controller publishes a load balancer address in
 * `status.loadBalancer.ingress` (a Service of type LoadBalancer; an Ingress asked to wait). Until
 * then progressing, with the controller's latest warning of this rollout in the summary (it
 * retries, so a warning is no failure; the timeout decides).
 */
export function loadBalancerRule(kind: string): HealthRule {
  return {
    name: kind,
    needs: ['events'],
    timeoutMs: LOAD_BALANCER_TIMEOUT_MS,
    judge(object, view, context) {
      const addresses = addressesOf(object);
      if (addresses.length > 0) return healthy(`load balancer address ${addresses.join(', ')}`);
      const [warning] = eventsAbout(object, view.events(), TROUBLE_REASONS, context.appliedAt);
      const note = warning ? `; ${warning.reason}: ${warning.message?.trim() ?? ''}` : '';
      return progressing(`waiting for a load balancer address${note}`);
    },
  };
}

function addressesOf(object: KubeObject): string[] {
  const status = object.status as { loadBalancer?: V1LoadBalancerStatus } | undefined;
  return (status?.loadBalancer?.ingress ?? []).flatMap((entry) =>
    [entry.hostname, entry.ip].filter((a): a is string => typeof a === 'string' && a !== ''),
  );
}
