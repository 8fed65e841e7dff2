import * as k8s from '@kubernetes/client-node';
import { type ManagedProcess, waitUntilReady } from './_process.ts';
import { IMAGE_MARKERS } from './markers.ts';

const ZONES = ['a', 'b', 'c'];

/**
 * Brings a fresh control plane to the state tests expect: KWOK nodes across zones, the access
 * group bound to cluster-admin, the unschedulable-marker webhook, and the controllers working.
 */
export async function seedCluster(options: {
  adminKubeconfig: string;
  nodes: number;
  region: string;
  clusterAdminGroup: string;
  webhookUrl: string;
  caPem: string;
  processes: { controllerManager: ManagedProcess; kwok: ManagedProcess };
}): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(options.adminKubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const admission = kc.makeApiClient(k8s.AdmissionregistrationV1Api);

  const nodeNames = Array.from({ length: options.nodes }, (_, i) => `kwok-node-${i}`);
  await Promise.all([
    ...nodeNames.map((name, i) => {
      const zone = `${options.region}${ZONES[i % ZONES.length]}`;
      return core.createNode({
        body: {
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
            labels: {
              type: 'kwok',
              'kubernetes.io/hostname': name,
              'kubernetes.io/os': 'linux',
              'kubernetes.io/arch': 'amd64',
              'node.kubernetes.io/instance-type': 'kwok.large',
              'topology.kubernetes.io/region': options.region,
              'topology.kubernetes.io/zone': zone,
            },
          },
        },
      });
    }),
    rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'kubeship-testbed:cluster-admins' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: options.clusterAdminGroup }],
      },
    }),
    admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: 'kubeship-testbed-markers' },
        webhooks: [
          {
            name: 'unschedulable.testbed.kubeship.dev',
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            timeoutSeconds: 5,
            clientConfig: {
              url: `${options.webhookUrl}/mutate/pods`,
              caBundle: Buffer.from(options.caPem).toString('base64'),
            },
            rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
            matchConditions: [
              {
                name: 'image-has-unschedulable-marker',
                expression: `object.spec.containers.exists(c, c.image.contains('${IMAGE_MARKERS.unschedulable}'))`,
              },
            ],
          },
        ],
      },
    }),
  ]);

  // The TaintNodesByCondition admission plugin taints new nodes not-ready; the node lifecycle
  // controller would lift that on the first Ready heartbeat, but the testbed does not run it.
  await Promise.all(
    nodeNames.map((name) =>
      core.patchNode(
        { name, body: [{ op: 'replace', path: '/spec/taints', value: [] }] },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
      ),
    ),
  );
  await waitUntilReady(
    'kwok nodes',
    async () => {
      const nodes = await core.listNode({ labelSelector: 'type=kwok' });
      const ready = nodes.items.filter((node) =>
        node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready.length === options.nodes;
    },
    { process: options.processes.kwok, timeoutMs: 30_000 },
  );
  await waitUntilReady(
    'kube-controller-manager',
    async () => {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
      return true;
    },
    { process: options.processes.controllerManager, timeoutMs: 30_000 },
  );
}
