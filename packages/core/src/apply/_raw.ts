import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';

type Action = 'read' | 'patch' | 'delete';
type PathResolver = { specUriPath(spec: k8s.KubernetesObject, action: Action): Promise<string> };

/**
 * Requests to the Kubernetes API that send and receive objects as plain JSON. client-node's
 * typed models drop every field they do not know when they serialise, so a field newer than the
 * client (or a typo) would silently vanish from what kubeship applies; here the object goes to
 * the API server exactly as rendered, and the server validates it (fieldValidation=Strict).
 */
export class RawObjectClient {
  readonly #kc: k8s.KubeConfig;
  readonly #paths: PathResolver;

  constructor(kc: k8s.KubeConfig) {
    this.#kc = kc;
    // The object API knows each kind's URL (discovery, cached); only its path logic is used.
    this.#paths = k8s.KubernetesObjectApi.makeApiClient(kc) as unknown as PathResolver;
  }

  /** The live object, or undefined when it does not exist. */
  async read(object: k8s.KubernetesObject): Promise<k8s.KubernetesObject | undefined> {
    const response = await this.#send('GET', await this.#path(object, 'read'));
    if (response.status === 404) return undefined;
    return this.#expectOk(response) as k8s.KubernetesObject;
  }

  /** Server-side apply as `fieldManager`, optionally as a dry-run. */
  async apply(
    object: k8s.KubernetesObject,
    options: { fieldManager: string; force: boolean; dryRun: boolean },
  ): Promise<k8s.KubernetesObject> {
    const query = new URLSearchParams({ fieldManager: options.fieldManager, fieldValidation: 'Strict' });
    if (options.force) query.set('force', 'true');
    if (options.dryRun) query.set('dryRun', 'All');
    const path = `${await this.#path(object, 'patch')}?${query}`;
    return this.#expectOk(
      await this.#send('PATCH', path, JSON.stringify(object), 'application/apply-patch+yaml'),
    ) as k8s.KubernetesObject;
  }

  async #path(object: k8s.KubernetesObject, action: Action): Promise<string> {
    // specUriPath fills in missing fields of its argument: give it a copy
    return this.#paths.specUriPath({ ...object, metadata: { ...object.metadata } }, action);
  }

  #expectOk(response: { status: number; body: unknown; headers: Record<string, string> }): unknown {
    if (response.status >= 200 && response.status < 300) return response.body;
    const status = response.body as { message?: string } | undefined;
    throw new k8s.ApiException(
      response.status,
      status?.message ?? `HTTP ${response.status}`,
      response.body,
      response.headers,
    );
  }

  async #send(
    method: string,
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(`${cluster.server.replace(/\/$/, '')}${path}`);
    const options: import('node:https').RequestOptions = {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': contentType }) },
    };
    await this.#kc.applyToHTTPSOptions(options);
    return new Promise((resolve, reject) => {
      const req = request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text for the error message
          }
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            headers: res.headers as Record<string, string>,
          });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
