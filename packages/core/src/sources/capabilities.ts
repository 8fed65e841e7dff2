import type * as k8s from '@kubernetes/client-node';
import { kubeRequest } from '../apply/_kube-api.ts';
import { describeKubernetesError } from '../auth/index.ts';

/** What a chart can ask of the cluster (`.Capabilities`): its version and the APIs it serves. */
export interface ClusterCapabilities {
  /** The API server's `gitVersion`, e.g. `v1.35.4` or `v1.33.2-eks-931bdca`. */
  readonly kubeVersion: string;
  /** Served group/versions (`v1`, `apps/v1`) and group/version/kinds (`apps/v1/Deployment`), sorted. */
  readonly apiVersions: readonly string[];
}

// Aggregated discovery (GA in 1.30): every group, version and kind in two requests.
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

/** A discovery answer: aggregated (`APIGroupDiscoveryList`), `APIGroupList` or `APIVersions`. */
export interface DiscoveryList {
  readonly kind?: string;
  /** APIGroupDiscoveryList */
  readonly items?: ReadonlyArray<{
    readonly metadata?: { readonly name?: string };
    readonly versions?: ReadonlyArray<{
      readonly version: string;
      readonly resources?: ReadonlyArray<{ readonly responseKind?: { readonly kind?: string } }>;
    }>;
  }>;
  /** APIGroupList (servers without aggregated discovery) */
  readonly groups?: ReadonlyArray<{ readonly versions?: ReadonlyArray<{ readonly groupVersion: string }> }>;
  /** APIVersions (the core group, same) */
  readonly versions?: readonly string[];
}

/**
 * Reads the cluster's version and served APIs, as `helm install` sees them, so that `helm
 * template --kube-version --api-versions` renders a chart that branches on capabilities as it
 * would render on the cluster.
 */
export async function readClusterCapabilities(kc: k8s.KubeConfig): Promise<ClusterCapabilities> {
  const [version, core, groups] = await Promise.all([
    get(kc, '/version', 'application/json') as Promise<{ gitVersion?: string }>,
    get(kc, '/api', AGGREGATED) as Promise<DiscoveryList>,
    get(kc, '/apis', AGGREGATED) as Promise<DiscoveryList>,
  ]);
  return {
    kubeVersion: version.gitVersion ?? '',
    apiVersions: [...new Set([...apiVersionsOf(core), ...apiVersionsOf(groups)])].sort(),
  };
}

/** The `--api-versions` strings of one discovery answer (aggregated or not). Pure. */
export function apiVersionsOf(list: DiscoveryList): string[] {
  if (list.kind === 'APIGroupDiscoveryList') {
    return (list.items ?? []).flatMap((group) =>
      (group.versions ?? []).flatMap((v) => {
        const groupVersion = group.metadata?.name ? `${group.metadata.name}/${v.version}` : v.version;
        const kinds = (v.resources ?? []).flatMap((r) =>
          r.responseKind?.kind ? [`${groupVersion}/${r.responseKind.kind}`] : [],
        );
        return [groupVersion, ...kinds];
      }),
    );
  }
  return [
    ...(list.versions ?? []),
    ...(list.groups ?? []).flatMap((group) => (group.versions ?? []).map((v) => v.groupVersion)),
  ];
}

async function get(kc: k8s.KubeConfig, path: string, accept: string): Promise<unknown> {
  try {
    return await kubeRequest(kc, 'GET', path, { accept });
  } catch (error) {
    throw describeKubernetesError(error, { verb: 'get', resource: path });
  }
}
