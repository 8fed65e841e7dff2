import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { CertifiedKey } from './_pki.ts';

/** Client TLS material for a request to a testbed server. */
export interface TlsClient {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

/** One HTTPS request on loopback; resolves with status and body text. */
export function httpsRequest(
  url: string,
  tls: TlsClient,
  options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: tls.ca,
        ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
        headers: {
          'content-type': 'application/json',
          // without a length Node sends no body at all on DELETE
          ...(options.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(options.body)) }),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Starts `server` on a free port of 127.0.0.1; `close` also ends the connections still open. */
export async function listenOnLoopback(server: Server): Promise<{ port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTTPS server that takes only clients whose certificate the testbed CA signed (as the apiserver's proxy client). */
export function mutualTlsServer(
  tls: CertifiedKey,
  caPem: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  return createServer(
    { cert: tls.cert, key: tls.key, ca: caPem, requestCert: true, rejectUnauthorized: true },
    handler,
  );
}
