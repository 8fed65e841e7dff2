// A few admin calls to the testbed's apiserver (client-certificate kubeconfig), written out with
// node:https so the example needs no Kubernetes client dependency. Test setup and assertions only:
// what the example claims is done by the kubeship CLI itself.
import { request } from 'node:https';
import type { TestbedInfo } from '@kubeship/testbed';

/** Reads a base64 `key: value` field out of the testbed's admin kubeconfig. */
function kubeconfigField(kubeconfig: string, key: string): string {
  const match = new RegExp(`${key}:\\s*(\\S+)`).exec(kubeconfig);
  if (!match?.[1]) throw new Error(`the admin kubeconfig has no ${key}`);
  return Buffer.from(match[1], 'base64').toString('utf8');
}

/** A JSON response of the apiserver. */
export interface KubeResponse {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects, read by the tests' assertions
  readonly body: any;
}

/** An admin client: `call(method, path, body?)` against the testbed's apiserver. */
export function adminKube(info: Pick<TestbedInfo, 'endpoint' | 'caPem' | 'adminKubeconfig'>) {
  const cert = kubeconfigField(info.adminKubeconfig, 'client-certificate-data');
  const key = kubeconfigField(info.adminKubeconfig, 'client-key-data');
  const call = (method: string, path: string, body?: object): Promise<KubeResponse> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${info.endpoint}${path}`,
        {
          method,
          ca: info.caPem,
          cert,
          key,
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            ...(text === undefined ? {} : { 'content-length': String(Buffer.byteLength(text)) }),
          },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = raw;
            try {
              parsed = JSON.parse(raw);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(text);
    });
  /** Like `call`, but throws unless the status is 2xx. */
  const ok = async (method: string, path: string, body?: object) => {
    const response = await call(method, path, body);
    if (response.status < 200 || response.status > 299) {
      throw new Error(`${method} ${path}: HTTP ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  };
  return { call, ok };
}
