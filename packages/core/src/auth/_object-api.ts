// One object API client per KubeConfig, so that the discovery it caches (which REST resource each
// apiVersion and kind is) is fetched once per deploy instead of once per phase: the plan, the
// dry-run, the apply, the watch, the record and prune each asked for `/api/v1` and
// `/apis/apps/v1` again through a client of their own.
import * as k8s from '@kubernetes/client-node';

/** client-node's discovery lookup (protected in its types; the path logic of every call uses it). */
type ResourceLookup = (apiVersion: string, kind: string) => Promise<k8s.V1APIResource | undefined>;

const clients = new WeakMap<k8s.KubeConfig, { server: string; client: k8s.KubernetesObjectApi }>();

/**
 * The object API client of this KubeConfig and its current server, shared by every caller (a
 * KubeConfig pointed at another server gets a client of its own). Its discovery cache keeps
 * client-node's rules (a kind an apiVersion's cached list does not name, such as the custom
 * resource of a CRD applied moments ago, is looked up again; a failed lookup is not kept), and
 * lookups of one apiVersion wait for the one in flight instead of asking the server side by side.
 */
export function objectApiFor(kc: k8s.KubeConfig): k8s.KubernetesObjectApi {
  // a client keeps the server it was made for: the KubeConfig pointed elsewhere gets a new one
  const server = kc.getCurrentCluster()?.server ?? '';
  const known = clients.get(kc);
  if (known?.server === server) return known.client;
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  const discovery = client as unknown as { resource: ResourceLookup };
  discovery.resource = oneLookupAtATime(discovery.resource.bind(client));
  clients.set(kc, { server, client });
  return client;
}

/** `lookUp`, with the calls for one apiVersion queued behind each other (the first fills the cache). */
function oneLookupAtATime(lookUp: ResourceLookup): ResourceLookup {
  const queues = new Map<string, Promise<unknown>>();
  return (apiVersion, kind) => {
    const before = queues.get(apiVersion) ?? Promise.resolve();
    const lookup = before.then(() => lookUp(apiVersion, kind));
    const settled = lookup.catch(() => undefined);
    queues.set(apiVersion, settled);
    void settled.then(() => {
      if (queues.get(apiVersion) === settled) queues.delete(apiVersion);
    });
    return lookup;
  };
}
