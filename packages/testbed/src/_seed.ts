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

/**
 * Registers the testbed's metrics API as EKS clusters register metrics-server: an APIService
 * `v1beta1.metrics.k8s.io` backed by the Service `kube-system/metrics-server`. The Service is an
 * ExternalName for 127.0.0.1, so the aggregator dials the testbed's process on loopback and checks
 * its certificate against the name `metrics-server.kube-system.svc`. Waits until the aggregator
 * reports the APIService Available.
 */
export async function registerMetricsApi(options: {
  adminKubeconfig: string;
  port: number;
  caPem: string;
}): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(options.adminKubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const registration = kc.makeApiClient(k8s.ApiregistrationV1Api);
  await core.createNamespacedService({
    namespace: 'kube-system',
    body: {
      metadata: { name: 'metrics-server', labels: { 'k8s-app': 'metrics-server' } },
      spec: {
        type: 'ExternalName',
        externalName: '127.0.0.1',
        ports: [{ name: 'https', port: options.port }],
      },
    },
  });
  await registration.createAPIService({
    body: {
      metadata: { name: 'v1beta1.metrics.k8s.io', labels: { 'k8s-app': 'metrics-server' } },
      spec: {
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        service: { namespace: 'kube-system', name: 'metrics-server', port: options.port },
        caBundle: Buffer.from(options.caPem).toString('base64'),
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  });
  await waitUntilReady(
    'metrics API',
    async () => {
      const service = await registration.readAPIService({ name: 'v1beta1.metrics.k8s.io' });
      return (service.status?.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True');
    },
    { timeoutMs: 30_000 },
  );
}
