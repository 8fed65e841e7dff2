// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as never);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALIDITY_MS = 7 * 24 * 3600 * 1000;

/** A PEM certificate with its PEM (PKCS#8) private key. */
export interface CertifiedKey {
  readonly cert: string;
  readonly key: string;
}

/** The DNS name the aggregator expects on the metrics API's serving certificate. */
export const METRICS_SERVICE_DNS = 'metrics-server.kube-system.svc';
/** The name of the apiserver's front-proxy client certificate (`--requestheader-allowed-names`). */
export const FRONT_PROXY_CLIENT = 'front-proxy-client';

/** Everything the control plane and its clients need, as PEM text. */
export interface TestbedPki {
  readonly ca: CertifiedKey;
  readonly apiserver: CertifiedKey;
  readonly webhook: CertifiedKey;
  /** The serving certificate of the testbed's kubelet endpoint (container logs). */
  readonly kubelet: CertifiedKey;
  /** The serving certificate of the testbed's metrics API, named as its Service (`metrics-server.kube-system.svc`). */
  readonly metrics: CertifiedKey;
  /**
   * Client certificates by component; all are in system:masters except the scheduler, the
   * apiserver's kubelet client and its front-proxy client (aggregated APIs).
   */
  readonly clients: Readonly<
    Record<
      'admin' | 'controllerManager' | 'scheduler' | 'kwok' | 'apiserverKubelet' | 'frontProxy',
      CertifiedKey
    >
  >;
  /** The service-account token signing key pair. */
  readonly serviceAccount: { readonly publicKey: string; readonly privateKey: string };
}

type Leaf =
  | { kind: 'server'; subject: string; dns: string[]; ips: string[] }
  | { kind: 'client'; subject: string };

/** Generates a throw-away CA and the leaf certificates of one testbed (ECDSA P-256, 7 days). */
export async function generatePki(): Promise<TestbedPki> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + VALIDITY_MS);
  const caKeys = await generateKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=kubeship-testbed-ca',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const issue = async (leaf: Leaf): Promise<CertifiedKey> => {
    const keys = await generateKeys();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        leaf.kind === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ];
    if (leaf.kind === 'server') {
      extensions.push(
        new x509.SubjectAlternativeNameExtension([
          ...leaf.dns.map((value) => ({ type: 'dns' as const, value })),
          ...leaf.ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
      );
    }
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: leaf.subject,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions,
    });
    return { cert: cert.toString('pem'), key: privatePem(keys.privateKey) };
  };

  const loopback = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };
  const serviceAccountKeys = await generateKeys();
  const [
    apiserver,
    webhook,
    kubelet,
    metrics,
    admin,
    controllerManager,
    scheduler,
    kwok,
    apiserverKubelet,
    frontProxy,
  ] = await Promise.all([
    issue({
      kind: 'server',
      subject: 'CN=kube-apiserver',
      dns: [
        ...loopback.dns,
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
      ],
      ips: [...loopback.ips, '10.96.0.1'],
    }),
    issue({ kind: 'server', subject: 'CN=kubeship-testbed-webhook', ...loopback }),
    issue({ kind: 'server', subject: 'CN=kubeship-testbed-kubelet', ...loopback }),
    issue({
      kind: 'server',
      subject: 'CN=metrics-server',
      dns: [...loopback.dns, METRICS_SERVICE_DNS],
      ips: loopback.ips,
    }),
    issue({ kind: 'client', subject: 'CN=kubeship-testbed-admin, O=system:masters' }),
    issue({ kind: 'client', subject: 'CN=system:kube-controller-manager, O=system:masters' }),
    issue({ kind: 'client', subject: 'CN=system:kube-scheduler' }),
    issue({ kind: 'client', subject: 'CN=kwok, O=system:masters' }),
    issue({ kind: 'client', subject: 'CN=kube-apiserver-kubelet-client' }),
    issue({ kind: 'client', subject: `CN=${FRONT_PROXY_CLIENT}` }),
  ]);
  return {
    ca: { cert: caCert.toString('pem'), key: privatePem(caKeys.privateKey) },
    apiserver,
    webhook,
    kubelet,
    metrics,
    clients: { admin, controllerManager, scheduler, kwok, apiserverKubelet, frontProxy },
    serviceAccount: {
      publicKey: KeyObject.from(serviceAccountKeys.publicKey)
        .export({ type: 'spki', format: 'pem' })
        .toString(),
      privateKey: privatePem(serviceAccountKeys.privateKey),
    },
  };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function privatePem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
