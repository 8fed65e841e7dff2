import type { EKSClient } from '@aws-sdk/client-eks';
import type { AccessRight } from './explainer.ts';

/** The EKS calls the explanation makes (an EKSClient, or a test double of its `send`). */
export type EksAccessClient = Pick<EKSClient, 'send'>;

/** What an access entry says about a principal, as the EKS API returns it. */
interface EntryFacts {
  readonly username?: string;
  readonly groups: readonly string[];
  readonly policies: ReadonlyArray<{ readonly policy: string; readonly namespaces?: readonly string[] }>;
}

/**
 * The role ARN an access entry is keyed by: an assumed-role session ARN
 * (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) becomes `arn:aws:iam::<account>:role/<role>`.
 */
export function accessEntryPrincipal(arn: string): string {
  const assumed = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : arn;
}

/**
 * Says why the build role lacks the missing rights, from its EKS access entry
 * (`eks:DescribeAccessEntry`, `eks:ListAssociatedAccessPolicies`): no access entry at all,
 * access policies scoped to other namespaces, or the Kubernetes groups the entry maps to (whose
 * RBAC bindings must grant the rights). Without those IAM permissions, or on any other error, it
 * says nothing (the table of missing rights stands alone). Each call is bounded by the client's
 * own request timeout.
 */
export async function explainFromAccessEntry(
  client: EksAccessClient,
  where: { readonly clusterName: string; readonly principal: string },
  missing: readonly AccessRight[],
): Promise<string[]> {
  const { DescribeAccessEntryCommand, ListAssociatedAccessPoliciesCommand } = await import(
    '@aws-sdk/client-eks'
  );
  const principalArn = accessEntryPrincipal(where.principal);
  const request = { clusterName: where.clusterName, principalArn };
  let facts: EntryFacts;
  try {
    const [entry, policies] = await Promise.all([
      client.send(new DescribeAccessEntryCommand(request)),
      client.send(new ListAssociatedAccessPoliciesCommand(request)),
    ]);
    facts = {
      ...(entry.accessEntry?.username ? { username: entry.accessEntry.username } : {}),
      groups: entry.accessEntry?.kubernetesGroups ?? [],
      policies: (policies.associatedAccessPolicies ?? []).map((p) => ({
        policy: (p.policyArn ?? '').replace(/^.*\//, ''),
        ...(p.accessScope?.type === 'namespace' ? { namespaces: p.accessScope.namespaces ?? [] } : {}),
      })),
    };
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException')
      return [
        `why: ${principalArn} has no EKS access entry on cluster ${where.clusterName}; create one (aws eks create-access-entry) and associate an access policy or Kubernetes groups with it`,
      ];
    return [];
  }
  return explainEntry(facts, principalArn, missing);
}

/** Pure: the reasons an access entry's facts give for the missing rights. */
export function explainEntry(
  facts: EntryFacts,
  principalArn: string,
  missing: readonly AccessRight[],
): string[] {
  const reasons: string[] = [];
  const wanted = [...new Set(missing.map((r) => r.namespace ?? '(cluster)'))];
  const scoped = facts.policies.filter((p) => p.namespaces);
  const clusterWide = facts.policies.filter((p) => !p.namespaces);
  if (facts.policies.length === 0)
    reasons.push(`why: the access entry of ${principalArn} has no access policy associated`);
  if (scoped.length > 0 && clusterWide.length === 0) {
    const covered = new Set(scoped.flatMap((p) => p.namespaces ?? []));
    const outside = wanted.filter((ns) => !covered.has(ns));
    if (outside.length > 0)
      reasons.push(
        `why: its access policies (${scoped.map((p) => `${p.policy} in ${(p.namespaces ?? []).join(', ')}`).join('; ')}) are scoped to other namespaces than ${outside.join(', ')}`,
      );
  }
  if (facts.policies.length > 0 && reasons.length === 0)
    reasons.push(
      `why: its access policies (${facts.policies.map((p) => `${p.policy}${p.namespaces ? ` in ${p.namespaces.join(', ')}` : ' cluster-wide'}`).join('; ')}) do not grant these rights`,
    );
  reasons.push(
    facts.groups.length > 0
      ? `why: the access entry maps to Kubernetes user ${facts.username ?? '(generated)'} in groups ${facts.groups.join(', ')}: RoleBindings of these groups must grant the rights above`
      : `why: the access entry maps to Kubernetes user ${facts.username ?? '(generated)'} in no Kubernetes group: bind a group to a Role with the rights above, or associate an access policy`,
  );
  return reasons;
}
