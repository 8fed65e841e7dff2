import { stringify } from 'yaml';

/** What KWOK needs to know to publish the testbed's kubelet on every node. */
export interface KwokOptions {
  /** The port of the testbed's kubelet endpoint (container logs), published in each node's status. */
  readonly kubeletPort: number;
}

type Expression = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

function stage(name: string, kind: 'Pod' | 'Node', matchExpressions: Expression[], next: object) {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: { matchExpressions },
      next,
    },
  };
}

const nodeStatus = (kubeletPort: number) => `{{ $now := Now }}
conditions:
- {type: Ready, status: "True", reason: KubeletReady, message: kwok node is ready, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: MemoryPressure, status: "False", reason: KubeletHasSufficientMemory, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: DiskPressure, status: "False", reason: KubeletHasNoDiskPressure, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: PIDPressure, status: "False", reason: KubeletHasSufficientPID, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
addresses:
- {type: InternalIP, address: {{ NodeIP | Quote }}}
- {type: Hostname, address: {{ .metadata.name | Quote }}}
daemonEndpoints: {kubeletEndpoint: {Port: ${kubeletPort}}}
allocatable: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
capacity: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: kwok, containerRuntimeVersion: kwok, kernelVersion: kwok, osImage: kwok, machineID: "", systemUUID: "", bootID: "", kubeProxyVersion: ""}
phase: Running`;

/**
 * The KWOK Stage documents (multi-document YAML) for the fake nodes: a node turns Ready and
 * publishes the testbed's kubelet endpoint; a pod whose deletion was requested goes away. The pods'
 * own lifecycle (container states, restarts, back-off, the kubelet's events) is the testbed's
 * kubelet loop (`_kubelet-loop.ts`): KWOK's stages change a whole pod after one delay and emit fixed
 * event texts, while a kubelet runs each container on its own clock and names it in its events.
 */
export function kwokStagesYaml(options: KwokOptions): string {
  const stages = [
    stage(
      'node-initialize',
      'Node',
      [
        {
          key: '.status.conditions | map(select(.type == "Ready")) | first | .status',
          operator: 'NotIn',
          values: ['True'],
        },
      ],
      { statusTemplate: nodeStatus(options.kubeletPort) },
    ),
    stage('pod-delete', 'Pod', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], {
      delete: true,
    }),
  ];
  return stages.map((document) => stringify(document, { lineWidth: 0 })).join('---\n');
}
