// A loopback HTTP proxy in front of moto that answers chosen AWS JSON-protocol operations with an
// error, as AWS does when it throttles a caller or denies it, and forwards everything else: the
// examples' scripts and buildspecs are run against it to prove they tell "absent" from "could not
// ask". Point AWS_ENDPOINT_URL at `endpointUrl`; set AWS_MAX_ATTEMPTS=1 so the CLI does not retry.
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error AWS answers with: the JSON protocol's `__type`, its HTTP status and message. */
export interface InjectedFault {
  /** e.g. `ThrottlingException`, `AccessDeniedException`. */
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

/** AWS's answer when a caller exceeds an API's request rate. */
export const THROTTLING: InjectedFault = {
  code: 'ThrottlingException',
  status: 400,
  message: 'Rate exceeded',
};
/** AWS's answer when the caller's policies do not allow the call. */
export const ACCESS_DENIED: InjectedFault = {
  code: 'AccessDeniedException',
  status: 400,
  message: 'User is not authorized to perform this operation',
};

/** A running proxy. */
export interface FaultProxy {
  readonly endpointUrl: string;
  /** From now on, answer `target` (the X-Amz-Target, e.g. `AmazonEC2ContainerRegistry_V20150921.DescribeImages`) with `fault`; undefined stops it. */
  inject(target: string, fault: InjectedFault | undefined): void;
  /** The X-Amz-Target of every request answered with a fault so far. */
  readonly injected: readonly string[];
  close(): Promise<void>;
}

/** Starts a proxy to `upstream` (moto's endpoint URL) on 127.0.0.1. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const faults = new Map<string, InjectedFault>();
  const injected: string[] = [];
  const target = new URL(upstream);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const operation = String(req.headers['x-amz-target'] ?? '');
    const fault = faults.get(operation);
    if (fault) {
      injected.push(operation);
      req.resume();
      res.writeHead(fault.status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': 'injected',
      });
      res.end(JSON.stringify({ __type: fault.code, message: fault.message }));
      return;
    }
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        timeout: 30_000,
      },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      },
    );
    forward.on('timeout', () => forward.destroy(new Error('moto did not answer in 30 s')));
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(error.message);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpointUrl: `http://127.0.0.1:${port}`,
    inject: (operation, fault) => {
      if (fault) faults.set(operation, fault);
      else faults.delete(operation);
    },
    injected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
