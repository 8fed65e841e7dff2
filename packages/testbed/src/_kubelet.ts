import { appendFileSync } from 'node:fs';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { containerLog, type LogOptions, type PodForLogs } from './_container-logs.ts';
import { httpsRequest, listenOnLoopback, mutualTlsServer, type TlsClient } from './_https.ts';
import type { CertifiedKey } from './_pki.ts';

/** The kubelet endpoint every KWOK node publishes: serves container logs to the apiserver. */
export interface KubeletServer {
  readonly port: number;
  close(): Promise<void>;
}

const LOG_PATH = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/;

/**
 * Starts the testbed's kubelet endpoint on 127.0.0.1. Only clients with a certificate of the
 * testbed CA (the apiserver's kubelet client) are served. A log request reads the pod from the
 * apiserver and answers with that container's simulated log (see `containerLog`).
 */
export async function startKubelet(options: {
  tls: CertifiedKey;
  caPem: string;
  apiserver: { readonly endpoint: string; readonly tls: TlsClient };
  logFile: string;
}): Promise<KubeletServer> {
  const log = (line: string) => appendFileSync(options.logFile, `${new Date().toISOString()} ${line}\n`);
  const server: Server = mutualTlsServer(options.tls, options.caPem, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const match = LOG_PATH.exec(url.pathname);
    if (req.method !== 'GET' || !match || !(req.socket as TLSSocket).authorized) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const [, namespace = '', pod = '', container = ''] = match.map(decodeURIComponent);
    const pathToPod = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
    httpsRequest(`${options.apiserver.endpoint}${pathToPod}`, options.apiserver.tls)
      .then(({ status, body }) => {
        if (status !== 200) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end(`pod ${namespace}/${pod} not found\n`);
          return;
        }
        const answer = containerLog(JSON.parse(body) as PodForLogs, container, logOptions(url.searchParams));
        log(`logs ${namespace}/${pod}/${container}${url.search}: ${'text' in answer ? 'ok' : answer.status}`);
        if ('text' in answer) res.writeHead(200, { 'content-type': 'text/plain' }).end(answer.text);
        else res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.message);
      })
      .catch((error: unknown) => {
        log(`error ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  return listenOnLoopback(server);
}

function logOptions(query: URLSearchParams): LogOptions {
  const number = (name: string) => {
    const value = query.get(name);
    return value === null || !/^\d+$/.test(value) ? undefined : Number(value);
  };
  const tailLines = number('tailLines');
  const limitBytes = number('limitBytes');
  return {
    previous: query.get('previous') === 'true',
    timestamps: query.get('timestamps') === 'true',
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
  };
}
