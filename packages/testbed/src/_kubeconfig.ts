import { stringify } from 'yaml';
import type { CertifiedKey } from './_pki.ts';

/** A kubeconfig (YAML text) with one cluster, one client-certificate user and one context. */
export function clientCertKubeconfig(options: {
  server: string;
  caPem: string;
  client: CertifiedKey;
  name?: string;
}): string {
  const name = options.name ?? 'kubeship-testbed';
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: options.server, 'certificate-authority-data': b64(options.caPem) } },
    ],
    users: [
      {
        name,
        user: {
          'client-certificate-data': b64(options.client.cert),
          'client-key-data': b64(options.client.key),
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  });
}
