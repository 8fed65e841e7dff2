import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { KnownCredentials } from './_eks-token.ts';
import { httpsRequest } from './_https.ts';
import { clientCertKubeconfig } from './_kubeconfig.ts';
import { type KubeletServer, startKubelet } from './_kubelet.ts';
import { type KubeletLoop, startKubeletLoop } from './_kubelet-loop.ts';
import { kwokStagesYaml } from './_kwok-stages.ts';
import { type MetricsServer, startMetricsServer } from './_metrics-api.ts';
import { FRONT_PROXY_CLIENT, generatePki } from './_pki.ts';
import { type HeldPorts, holdFreePorts } from './_ports.ts';
import { type ManagedProcess, startProcess, waitUntilReady } from './_process.ts';
import { registerMetricsApi, seedCluster } from './_seed.ts';
import { resolveBinaries, resolveVenv } from './_toolchain.ts';
import { startWebhook, type WebhookServer } from './_webhook.ts';

/** How to start a testbed; every field has a default. */
export interface TestbedOptions {
  /** The EKS cluster name tokens must be minted for (default `kubeship-testbed`). */
  readonly clusterName?: string;
  /** AWS region of the emulated cluster and STS (default `us-east-1`). */
  readonly region?: string;
  /** Number of KWOK nodes, spread over zones a, b, c (default 3). */
  readonly nodes?: number;
  /** Milliseconds from scheduling to Ready for a healthy pod (default 500). */
  readonly readyDelayMs?: number;
  /** Milliseconds to Ready for a `slowready` image (default 8000). */
  readonly slowReadyDelayMs?: number;
  /**
   * Serve the metrics API (`metrics.k8s.io/v1beta1`, what metrics-server is on EKS) through an
   * APIService, so HPAs scale on the testbed's figures (default true; false: a cluster without it).
   */
  readonly metricsApi?: boolean;
  /** Where to keep data and logs (default: a new temp dir, removed on stop unless `keepData`). */
  readonly dataDir?: string;
  readonly keepData?: boolean;
  /**
   * Write an audit log of the API requests clients make (not the control plane's own components,
   * nodes or service accounts) to `<dataDir>/logs/audit.log`, one JSON event a line at the
   * Metadata level: the bench counts each tool's requests with it (default false).
   */
  readonly auditLog?: boolean;
}

// Clients only: the controllers, the scheduler, KWOK and the apiserver's own loopback requests are left out.
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: [system:kube-controller-manager, system:kube-scheduler, kwok, system:apiserver]
  - level: None
    userGroups: [system:serviceaccounts, system:nodes]
  - level: Metadata
`;

/** Everything a test needs to reach the testbed; plain data, so it can cross worker boundaries. */
export interface TestbedInfo {
  readonly clusterName: string;
  readonly region: string;
  readonly accountId: string;
  /** The apiserver URL, e.g. `https://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** The cluster CA certificate (PEM). */
  readonly caPem: string;
  /** Admin kubeconfig (YAML text, client certificate in system:masters) for test setup. */
  readonly adminKubeconfig: string;
  /** The same kubeconfig, written to disk for humans and tools. */
  readonly adminKubeconfigPath: string;
  readonly aws: {
    /** moto server URL; point AWS SDK clients at it with `endpoint` or `AWS_ENDPOINT_URL`. */
    readonly endpointUrl: string;
    /** Credentials the token webhook knows, mapped to the cluster-admin access entry. */
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
    /** The principal those credentials belong to. */
    readonly principalArn: string;
  };
  /** The token webhook's admin API (see `testbedAdmin`). */
  readonly webhook: { readonly url: string; readonly adminToken: string };
  readonly dataDir: string;
  /** PIDs of the processes this testbed started (the webhook lives in the starting process). */
  readonly pids: Readonly<Record<string, number>>;
}

/** A running testbed. */
export interface Testbed extends TestbedInfo {
  /** Stops every process this testbed started and removes its data (unless kept). */
  stop(): Promise<void>;
  /** Stops kube-apiserver, waits `downMs`, and starts it again on the same port (for watch-resilience tests). */
  restartApiServer(downMs?: number): Promise<void>;
}

/** The group the default principal's access entry grants; bound to `cluster-admin`. */
export const CLUSTER_ADMIN_GROUP = 'kubeship:cluster-admins';
const ACCOUNT_ID = '123456789012';
/** The kubelet's PLEG relist period: how late it notices that a container exited. */
const KUBELET_RELIST_MS = 1000;
const motoLauncher = fileURLToPath(new URL('../moto/launch.py', import.meta.url));

/**
 * Starts a real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler),
 * KWOK nodes, the EKS token webhook and moto, all on random loopback ports.
 */
export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const clusterName = options.clusterName ?? 'kubeship-testbed';
  const region = options.region ?? 'us-east-1';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kubeship-testbed-'));
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const file = (name: string, content: string) => {
    const path = join(dataDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const logFile = (name: string) => join(dataDir, 'logs', `${name}.log`);
  const processes: ManagedProcess[] = [];
  let webhook: WebhookServer | undefined;
  let kubelet: KubeletServer | undefined;
  let kubeletLoop: KubeletLoop | undefined;
  let metrics: MetricsServer | undefined;
  let heldPorts: HeldPorts | undefined;
  const stop = async () => {
    await heldPorts?.release();
    kubeletLoop?.stop();
    await metrics?.close();
    for (const child of [...processes].reverse()) await child.stop();
    await webhook?.close();
    await kubelet?.close();
    if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    heldPorts = await holdFreePorts(3);
    const [etcdPort = 0, etcdPeerPort = 0, apiPort = 0] = heldPorts.ports;
    const [bin, venv, pki] = await Promise.all([
      Promise.resolve().then(resolveBinaries),
      Promise.resolve().then(resolveVenv),
      generatePki(),
    ]);
    const endpoint = `https://127.0.0.1:${apiPort}`;
    const credentials: KnownCredentials = {
      accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/kubeship-testbed-admin`,
    };
    const adminToken = randomBytes(24).toString('base64url');

    // moto does not depend on the control plane: start it first, it is the slowest to boot.
    const motoSpec = file(
      'moto-spec.json',
      JSON.stringify({
        clusters: [
          {
            name: clusterName,
            region,
            accountId: ACCOUNT_ID,
            endpoint,
            certificateAuthorityData: Buffer.from(pki.ca.cert).toString('base64'),
          },
        ],
      }),
    );
    const moto = startProcess('moto', join(venv, 'bin', 'python'), [motoLauncher, motoSpec], {
      logFile: logFile('moto'),
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        PYTHONUNBUFFERED: '1',
      },
    });
    processes.push(moto);

    webhook = await startWebhook({
      tls: pki.webhook,
      clusterName,
      region,
      adminToken,
      logFile: logFile('webhook'),
      initialCredentials: [credentials],
    });
    const webhookUrl = `https://127.0.0.1:${webhook.port}`;
    const adminTls = { ca: pki.ca.cert, cert: pki.clients.admin.cert, key: pki.clients.admin.key };
    const kubeletServer = await startKubelet({
      tls: pki.kubelet,
      caPem: pki.ca.cert,
      apiserver: { endpoint, tls: adminTls },
      logFile: logFile('kubelet'),
    });
    kubelet = kubeletServer;

    await heldPorts.release(etcdPort, etcdPeerPort);
    const etcd = startProcess(
      'etcd',
      join(bin, 'etcd'),
      [
        '--name=testbed',
        `--data-dir=${join(dataDir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-cluster=testbed=http://127.0.0.1:${etcdPeerPort}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      { logFile: logFile('etcd') },
    );
    processes.push(etcd);

    const paths = {
      ca: file('ca.crt', pki.ca.cert),
      caKey: file('ca.key', pki.ca.key),
      kubeletClientCert: file('apiserver-kubelet-client.crt', pki.clients.apiserverKubelet.cert),
      kubeletClientKey: file('apiserver-kubelet-client.key', pki.clients.apiserverKubelet.key),
      frontProxyCert: file('front-proxy-client.crt', pki.clients.frontProxy.cert),
      frontProxyKey: file('front-proxy-client.key', pki.clients.frontProxy.key),
      apiCert: file('apiserver.crt', pki.apiserver.cert),
      apiKey: file('apiserver.key', pki.apiserver.key),
      saPub: file('sa.pub', pki.serviceAccount.publicKey),
      saKey: file('sa.key', pki.serviceAccount.privateKey),
      webhookConfig: file(
        'token-webhook.kubeconfig',
        clientCertKubeconfig({
          server: `${webhookUrl}/authenticate`,
          caPem: pki.ca.cert,
          client: pki.clients.admin,
          name: 'token-webhook',
        }),
      ),
    };
    const kubeconfigFor = (name: string, client: (typeof pki.clients)[keyof typeof pki.clients]) =>
      file(`${name}.kubeconfig`, clientCertKubeconfig({ server: endpoint, caPem: pki.ca.cert, client }));
    const adminKubeconfigPath = kubeconfigFor('admin', pki.clients.admin);

    await waitUntilReady('etcd', async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok, {
      process: etcd,
      timeoutMs: 30_000,
    });
    const apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dataDir, 'apiserver-certs')}`,
      `--tls-cert-file=${paths.apiCert}`,
      `--tls-private-key-file=${paths.apiKey}`,
      `--client-ca-file=${paths.ca}`,
      `--service-account-key-file=${paths.saPub}`,
      `--service-account-signing-key-file=${paths.saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=RBAC',
      `--authentication-token-webhook-config-file=${paths.webhookConfig}`,
      '--authentication-token-webhook-version=v1',
      '--authentication-token-webhook-cache-ttl=10s',
      '--anonymous-auth=false',
      '--allow-privileged=true',
      // container logs: the apiserver dials the node's InternalIP (loopback) and the testbed's kubelet endpoint
      '--kubelet-preferred-address-types=InternalIP',
      `--kubelet-client-certificate=${paths.kubeletClientCert}`,
      `--kubelet-client-key=${paths.kubeletClientKey}`,
      `--kubelet-certificate-authority=${paths.ca}`,
      // aggregated APIs (the metrics API): the apiserver proxies with its front-proxy client certificate
      `--requestheader-client-ca-file=${paths.ca}`,
      `--requestheader-allowed-names=${FRONT_PROXY_CLIENT}`,
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${paths.frontProxyCert}`,
      `--proxy-client-key-file=${paths.frontProxyKey}`,
      '--profiling=false',
      '--event-ttl=1h',
      '--watch-cache=true',
      '--v=1',
      ...(options.auditLog
        ? [
            `--audit-policy-file=${file('audit-policy.yaml', AUDIT_POLICY)}`,
            `--audit-log-path=${logFile('audit')}`,
          ]
        : []),
    ];
    const startApiserver = async () => {
      const apiserver = startProcess('kube-apiserver', join(bin, 'kube-apiserver'), apiserverArgs, {
        logFile: logFile('kube-apiserver'),
      });
      await waitUntilReady(
        'kube-apiserver',
        async () => (await httpsRequest(`${endpoint}/readyz`, adminTls)).status === 200,
        {
          process: apiserver,
          timeoutMs: 60_000,
        },
      );
      return apiserver;
    };
    await heldPorts.release(apiPort);
    let apiserver = await startApiserver();
    processes.push(apiserver);

    const controllerManager = startProcess(
      'kube-controller-manager',
      join(bin, 'kube-controller-manager'),
      [
        `--kubeconfig=${kubeconfigFor('controller-manager', pki.clients.controllerManager)}`,
        // every controller a real control plane runs (StatefulSet, DaemonSet, Job, CronJob, HPA,
        // ResourceQuota, PV binder, node lifecycle, pod GC, TTL-after-finished, CSR signing, ...)
        '--controllers=*',
        `--service-account-private-key-file=${paths.saKey}`,
        `--root-ca-file=${paths.ca}`,
        `--cluster-signing-cert-file=${paths.ca}`,
        `--cluster-signing-key-file=${paths.caKey}`,
        '--leader-elect=false',
        '--secure-port=0',
        '--concurrent-deployment-syncs=10',
        '--concurrent-replicaset-syncs=10',
        '--concurrent-statefulset-syncs=10',
        '--concurrent-job-syncs=10',
        '--horizontal-pod-autoscaler-sync-period=5s',
        '--v=1',
      ],
      { logFile: logFile('kube-controller-manager') },
    );
    const scheduler = startProcess(
      'kube-scheduler',
      join(bin, 'kube-scheduler'),
      [
        `--kubeconfig=${kubeconfigFor('scheduler', pki.clients.scheduler)}`,
        '--leader-elect=false',
        '--secure-port=0',
        '--v=1',
      ],
      { logFile: logFile('kube-scheduler') },
    );
    const kwok = startProcess(
      'kwok',
      join(bin, 'kwok'),
      [
        `--kubeconfig=${kubeconfigFor('kwok', pki.clients.kwok)}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        `--config=${file('kwok-stages.yaml', kwokStagesYaml({ kubeletPort: kubeletServer.port }))}`,
        '--cidr=10.244.0.0/16',
        // nodes renew their Lease like kubelets, so the node lifecycle controller keeps them Ready
        '--node-lease-duration-seconds=40',
        // the apiserver dials a node's IP for logs and exec: keep that on loopback
        '--node-ip=127.0.0.1',
      ],
      { logFile: logFile('kwok'), env: { ...process.env, HOME: dataDir } },
    );
    processes.push(controllerManager, scheduler, kwok);

    kubeletLoop = startKubeletLoop({
      adminKubeconfig: readFileSync(adminKubeconfigPath, 'utf8'),
      apiserver: { endpoint, tls: adminTls },
      timings: {
        readyDelayMs: options.readyDelayMs ?? 500,
        slowReadyDelayMs: options.slowReadyDelayMs ?? 8000,
        relistMs: KUBELET_RELIST_MS,
      },
      hostIP: '127.0.0.1',
      logFile: logFile('kubelet-loop'),
    });
    const loop = kubeletLoop;
    metrics = await startMetricsServer({
      tls: pki.metrics,
      caPem: pki.ca.cert,
      pods: () => loop.pods(),
      logFile: logFile('metrics'),
    });
    const motoPort = await waitForMotoPort(moto);
    await seedCluster({
      adminKubeconfig: readFileSync(adminKubeconfigPath, 'utf8'),
      nodes: options.nodes ?? 3,
      region,
      clusterAdminGroup: CLUSTER_ADMIN_GROUP,
      webhookUrl,
      caPem: pki.ca.cert,
      processes: { controllerManager, kwok },
    });
    if (options.metricsApi ?? true) {
      await registerMetricsApi({
        adminKubeconfig: readFileSync(adminKubeconfigPath, 'utf8'),
        port: metrics.port,
        caPem: pki.ca.cert,
      });
    }
    await httpsRequest(
      `${webhookUrl}/admin/access-entries`,
      { ca: pki.ca.cert },
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({
          principalArn: credentials.arn,
          username: 'kubeship-testbed-admin',
          groups: [CLUSTER_ADMIN_GROUP],
        }),
      },
    );

    return {
      clusterName,
      region,
      accountId: ACCOUNT_ID,
      endpoint,
      caPem: pki.ca.cert,
      adminKubeconfig: readFileSync(adminKubeconfigPath, 'utf8'),
      adminKubeconfigPath,
      aws: {
        endpointUrl: `http://127.0.0.1:${motoPort}`,
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
        principalArn: credentials.arn,
      },
      webhook: { url: webhookUrl, adminToken },
      dataDir,
      get pids() {
        return Object.fromEntries(processes.map((p) => [p.name, p.pid]));
      },
      stop,
      async restartApiServer(downMs = 0) {
        await apiserver.stop();
        await delay(downMs);
        const index = processes.indexOf(apiserver);
        apiserver = await startApiserver();
        processes[index] = apiserver;
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForMotoPort(moto: ManagedProcess): Promise<number> {
  let port = 0;
  await waitUntilReady(
    'moto',
    async () => {
      const match = /^READY (\d+)$/m.exec(readFileSync(moto.logFile, 'utf8'));
      port = match ? Number(match[1]) : 0;
      return port > 0;
    },
    { process: moto, timeoutMs: 60_000 },
  );
  return port;
}
