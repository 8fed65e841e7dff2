// moto (the testbed's AWS) has no EKS access-entry API: DescribeAccessEntry and
// ListAssociatedAccessPolicies are answered here by an injected EKS client (aws-sdk-client-mock).
import {
  DescribeAccessEntryCommand,
  EKSClient,
  ListAssociatedAccessPoliciesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { accessEntryPrincipal, explainFromAccessEntry } from './eks-explain.ts';
import type { AccessRight } from './rights.ts';

const eks = mockClient(EKSClient);
afterEach(() => eks.reset());

const ROLE = 'arn:aws:iam::111122223333:role/deployer';
const where = { clusterName: 'prod', principal: 'arn:aws:sts::111122223333:assumed-role/deployer/build-7' };
const missing: AccessRight[] = [
  { verb: 'delete', group: 'batch', resource: 'jobs', namespace: 'shop', why: 'hooks' },
];

describe('explainFromAccessEntry', () => {
  it('asks about the role of an assumed-role session', async () => {
    eks.on(DescribeAccessEntryCommand).resolves({ accessEntry: { kubernetesGroups: [] } });
    eks.on(ListAssociatedAccessPoliciesCommand).resolves({ associatedAccessPolicies: [] });
    await explainFromAccessEntry(new EKSClient({}), where, missing);
    expect(eks.commandCalls(DescribeAccessEntryCommand)[0]?.args[0].input).toEqual({
      clusterName: 'prod',
      principalArn: ROLE,
    });
    expect(accessEntryPrincipal(ROLE)).toBe(ROLE);
  });

  it('no access entry: says so', async () => {
    const notFound = new ResourceNotFoundException({ message: 'no entry', $metadata: {} });
    eks.on(DescribeAccessEntryCommand).rejects(notFound);
    eks.on(ListAssociatedAccessPoliciesCommand).rejects(notFound);
    expect(await explainFromAccessEntry(new EKSClient({}), where, missing)).toEqual([
      `why: ${ROLE} has no EKS access entry on cluster prod; create one (aws eks create-access-entry) and associate an access policy or Kubernetes groups with it`,
    ]);
  });

  it('policies scoped to other namespaces, and the groups the entry maps to', async () => {
    eks.on(DescribeAccessEntryCommand).resolves({
      accessEntry: { username: 'deployer', kubernetesGroups: ['shop-deployers'] },
    });
    eks.on(ListAssociatedAccessPoliciesCommand).resolves({
      associatedAccessPolicies: [
        {
          policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy',
          accessScope: { type: 'namespace', namespaces: ['staging'] },
        },
      ],
    });
    expect(await explainFromAccessEntry(new EKSClient({}), where, missing)).toEqual([
      'why: its access policies (AmazonEKSEditPolicy in staging) are scoped to other namespaces than shop',
      'why: the access entry maps to Kubernetes user deployer in groups shop-deployers: RoleBindings of these groups must grant the rights above',
    ]);
  });

  it('without eks:DescribeAccessEntry: nothing, the table stands alone', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    eks.on(DescribeAccessEntryCommand).rejects(denied);
    eks.on(ListAssociatedAccessPoliciesCommand).rejects(denied);
    expect(await explainFromAccessEntry(new EKSClient({}), where, missing)).toEqual([]);
  });
});
