// The probe replay's kubelet rules, against a small HTTP server on loopback: status bounds, the
// probe's headers and the kubelet's defaults, redirects (same host followed, another host ends the
// probe with its 3xx, at most 10), named ports, the timeout, TCP, exec, and hook Jobs' commands.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KUBELET_VERSION,
  ProbeReplayError,
  type RenderedContainer,
  replayPodProbes,
  replayProbe,
  runJob,
} from '../probe-replay.ts';

describe('probe replay, as the kubelet probes', () => {
  let server: Server;
  let port = 0;
  let seen: IncomingHttpHeaders = {};
  const container: RenderedContainer = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
  const target = () => ({ ports: { 8080: port } });
  const http = (path: string, extra: object = {}) =>
    replayProbe({ httpGet: { path, port: 'http' }, ...extra }, container, target());

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen = req.headers;
      const url = new URL(req.url ?? '/', 'http://x');
      const hops = Number(url.searchParams.get('hops') ?? 0);
      const routes: Record<string, () => void> = {
        '/ok': () => res.writeHead(200).end('ok'),
        '/399': () => res.writeHead(399).end(),
        '/400': () => res.writeHead(400).end(),
        '/500': () => res.writeHead(500).end(),
        '/same-host': () => res.writeHead(302, { location: '/403' }).end(),
        '/403': () => res.writeHead(403).end(),
        '/other-host': () => res.writeHead(302, { location: 'http://elsewhere.invalid/403' }).end(),
        '/loop': () => res.writeHead(302, { location: `/loop?hops=${hops + 1}` }).end(),
        '/slow': () => setTimeout(() => res.writeHead(200).end(), 1500),
      };
      (routes[url.pathname] ?? (() => res.writeHead(404).end()))();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('succeeds iff 200 <= status < 400', async () => {
    expect(await http('/ok')).toMatchObject({ success: true, detail: 'GET /ok -> 200' });
    expect((await http('/399')).success).toBe(true);
    expect((await http('/400')).success).toBe(false);
    expect((await http('/500')).success).toBe(false);
  });

  it('follows same-host redirects and judges the final answer', async () => {
    expect(await http('/same-host')).toMatchObject({
      success: false,
      detail: 'GET /same-host -> 302 -> /403 -> 403',
    });
  });

  it('ends at a redirect to another host, which counts as success, and stops after 10 redirects', async () => {
    expect(await http('/other-host')).toMatchObject({ success: true });
    const loop = await http('/loop');
    expect(loop.success).toBe(false);
    expect(loop.detail).toContain('stopped after 10 redirects');
  });

  it('sends the kubelet’s User-Agent and Accept unless the probe sets them, and the probe’s headers', async () => {
    await http('/ok');
    expect(seen['user-agent']).toBe(`kube-probe/${KUBELET_VERSION}`);
    expect(seen.accept).toBe('*/*');
    await replayProbe(
      {
        httpGet: {
          path: '/ok',
          port: 8080,
          httpHeaders: [
            { name: 'X-Probe', value: 'yes' },
            { name: 'Accept', value: 'text/plain' },
          ],
        },
      },
      container,
      target(),
    );
    expect(seen['x-probe']).toBe('yes');
    expect(seen.accept).toBe('text/plain');
  });

  it('fails a probe that takes longer than timeoutSeconds (default 1)', async () => {
    expect((await http('/slow')).success).toBe(false);
    expect((await http('/slow', { timeoutSeconds: 3 })).success).toBe(true);
  });

  it('connects for TCP probes, runs exec probes, and refuses what it cannot replay', async () => {
    expect((await replayProbe({ tcpSocket: { port: 'http' } }, container, target())).success).toBe(true);
    expect((await replayProbe({ exec: { command: ['true'] } }, container, target())).success).toBe(true);
    expect((await replayProbe({ exec: { command: ['false'] } }, container, target())).success).toBe(false);
    await expect(replayProbe({ httpGet: { path: '/', port: 'admin' } }, container, target())).rejects.toThrow(
      ProbeReplayError,
    );
    await expect(replayProbe({ grpc: { port: 8080 } }, container, target())).rejects.toThrow(
      /no httpGet, tcpSocket or exec/,
    );
  });

  it('replays every probe of a pod spec and runs a Job’s command with its env, Secret values and Service variables', async () => {
    const pod = {
      kind: 'Deployment',
      metadata: { name: 'app' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                ...container,
                readinessProbe: { httpGet: { path: '/ok', port: 'http' } },
                livenessProbe: { tcpSocket: { port: 8080 } },
              },
            ],
          },
        },
      },
    };
    expect((await replayPodProbes(pod, target())).map((r) => [r.kind, r.success])).toEqual([
      ['readiness', true],
      ['liveness', true],
    ]);
    const job = {
      kind: 'Job',
      metadata: { name: 'check' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'check',
                command: ['/image/bin/check.sh'],
                env: [
                  { name: 'GREETING', value: 'hi' },
                  { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'TOKEN' } } },
                ],
              },
            ],
          },
        },
      },
    };
    const result = await runJob(job, {
      imagePaths: { '/image/bin/': '/usr/bin/' },
      secrets: { 'app-secrets/TOKEN': 's3cret' },
      services: { app: { host: '127.0.0.1', port } },
      env: { PATH: process.env.PATH },
    });
    // /usr/bin/check.sh does not exist: the path was rewritten, and the failure is reported, not thrown
    expect(result).toMatchObject({ success: false, detail: expect.stringContaining('/image/bin/check.sh') });
    const env = await runJob(
      {
        ...job,
        spec: {
          template: {
            spec: { containers: [{ ...job.spec.template.spec.containers[0], command: ['/image/bin/env'] }] },
          },
        },
      },
      {
        imagePaths: { '/image/bin/': '/usr/bin/' },
        secrets: { 'app-secrets/TOKEN': 's3cret' },
        services: { app: { host: '127.0.0.1', port } },
      },
    );
    expect(env.success).toBe(true);
    expect(env.output).toContain('GREETING=hi');
    expect(env.output).toContain('TOKEN=s3cret');
    expect(env.output).toContain(`APP_SERVICE_PORT=${port}`);
    expect(env.output).toContain('APP_SERVICE_HOST=127.0.0.1');
  });
});
