import { request } from 'node:https';
import type * as k8s from '@kubernetes/client-node';

const TIMEOUT_MS = 30_000;

/**
 * One request to the Kubernetes API with plain JSON in and out (client-node's typed models would
 * reshape `managedFields` and discovery documents). Bounded to 30 s; an HTTP error is thrown
 * with its status as `code` and the parsed Status as `body`, as describeKubernetesError reads it.
 */
export async function kubeRequest(
  kc: k8s.KubeConfig,
  method: 'GET' | 'PATCH',
  path: string,
  options: { accept?: string; body?: unknown; contentType?: string } = {},
): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(`${cluster.server.replace(/\/$/, '')}${path}`);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const https: import('node:https').RequestOptions = {
    method,
    headers: {
      accept: options.accept ?? 'application/json',
      ...(body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
    },
  };
  await kc.applyToHTTPSOptions(https);
  return new Promise((resolve, reject) => {
    const req = request(url, https, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(parsed);
        else
          reject(
            Object.assign(new Error(`${method} ${path}: HTTP ${status}`), { code: status, body: parsed }),
          );
      });
    });
    req.setTimeout(TIMEOUT_MS, () =>
      req.destroy(
        new Error(`${method} ${path}: no answer from the Kubernetes API in ${TIMEOUT_MS / 1000} s`),
      ),
    );
    req.on('error', reject);
    req.end(body);
  });
}
