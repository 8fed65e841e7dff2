// What kubeship deploys for WordPress, per environment. The deploy buildspec runs
//   npx -y @kubeship/codebuild-runner@0.1.0 deploy --env $DEPLOY_ENV --image $IMAGE_URI
// (or `node tools/kubeship.mjs deploy ...` with the vendored bundle), and the same file serves Test
// and Prod: only the cluster, SSM path, sizes and who may reach the site differ.
//
// The site is HTTPS only (port 80 redirects to 443) and reachable only from
// WORDPRESS_INBOUND_CIDRS: the deploy project sets both from the pipeline stack's parameters, and
// the config refuses to render without them. The installer opens only with the install key from
// SSM (build/install-guard.php).
//
// Only type imports: Node strips them, so this file loads even where npx installed the CLI in
// its own cache and nothing of kubeship is resolvable from here (a CodeBuild checkout).
import type { EnvironmentConfig, KubeshipConfig } from '@kubeship/codebuild-runner';

const env = process.env;

/** A variable the deploy project must set; a missing one stops the deploy before anything changes. */
const required = (name: string, what: string): string => {
  const value = env[name]?.trim();
  if (!value)
    throw new Error(`${name} is not set: ${what} (cfn/pipeline.yaml sets it on the deploy project)`);
  return value;
};

/** An SSM Parameter Store reference (what `ssm()` of @kubeship/manifests returns). */
const ssm = (name: string) => ({ ssm: name });

/**
 * Release gates the pipeline stack switches on through the deploy project's variables (a local or
 * testbed run without them deploys with a plain rolling update):
 * - WORDPRESS_ALARM_NAMES: CloudWatch alarms (comma-separated) that refuse a deploy while they fire
 *   and are watched for five minutes once it is healthy, and after each canary step: prod's
 *   ALB 5xx alarm (cfn/pipeline.yaml);
 * - WORDPRESS_CANARY: a CodeDeploy-style canary preset for prod (Canary10Percent5Minutes): one
 *   pod of the new image beside the stable ones behind the same Service, then the rest. The
 *   Service shares requests by pods, so with prod's 3 replicas the canary gets 1 of 4 pods, about
 *   25% of the traffic, not 10% (10% of 3 rounds up to one pod);
 * - WORDPRESS_SMOKE_TEST=true: a post-deploy Job (build/smoke-test.php) checks the site through
 *   the Service; a failure rolls the whole release back.
 */
const gates = (): Partial<EnvironmentConfig> => {
  const names = (env.WORDPRESS_ALARM_NAMES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    ...(names.length > 0 ? { alarms: { names, bakeSeconds: 300, intervalSeconds: 30 } } : {}),
    ...(env.WORDPRESS_CANARY ? { canary: { preset: env.WORDPRESS_CANARY } } : {}),
  };
};

/**
 * The post-deploy smoke test, in the image (build/smoke-test.php): through the Service, the health
 * endpoint answers 200 and WordPress loads (its login page, or before the install the redirect to
 * the installer).
 */
const SMOKE_TEST = ['php', '/usr/local/share/kubeship/smoke-test.php'];

/**
 * What the probes and the ALB ask: a file of the image that does not load WordPress, so it answers
 * 200 before the install as after it (every WordPress page redirects to the installer until then,
 * and the installer is closed without the key), and 503 when the database refuses WordPress's user.
 */
const HEALTH_PATH = '/kubeship-health.php';

/**
 * One environment: its EKS cluster and namespace can be overridden from the environment
 * (WORDPRESS_<ENV>_CLUSTER, WORDPRESS_<ENV>_NAMESPACE), e.g. to run against a local testbed.
 * The region is the build's AWS_REGION.
 */
const environment = (name: 'test' | 'prod', settings: Partial<EnvironmentConfig>): EnvironmentConfig => ({
  cluster: { name: env[`WORDPRESS_${name.toUpperCase()}_CLUSTER`] ?? `wordpress-${name}` },
  namespace: env[`WORDPRESS_${name.toUpperCase()}_NAMESPACE`] ?? 'wordpress',
  ...gates(),
  ...settings,
});

export default {
  app: ({ name, namespace }) => ({
    name: 'wordpress',
    namespace,
    // The deploy role's EKS access entry is scoped to the namespace, so in CodeBuild the cluster
    // admin creates it once (README) and the deploy buildspec sets WORDPRESS_CREATE_NAMESPACE=false.
    createNamespace: env.WORDPRESS_CREATE_NAMESPACE !== 'false',
    // the build stage pushes commit-tagged images here; the deploy passes the exact one with --image
    image: `${env.WORDPRESS_IMAGE_REPOSITORY ?? '123456789012.dkr.ecr.us-east-1.amazonaws.com/wordpress'}:latest-build`,
    ports: [{ name: 'http', containerPort: 8080 }],
    env: {
      WORDPRESS_DB_HOST: ssm(`/wordpress/${name}/DB_HOST`),
      WORDPRESS_DB_USER: ssm(`/wordpress/${name}/DB_USER`),
      WORDPRESS_DB_PASSWORD: ssm(`/wordpress/${name}/DB_PASSWORD`),
      WORDPRESS_DB_NAME: 'wordpress',
      MEMCACHED_ENDPOINT: ssm(`/wordpress/${name}/MEMCACHED_ENDPOINT`),
      WORDPRESS_INSTALL_KEY: ssm(`/wordpress/${name}/INSTALL_KEY`),
    },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    probes: {
      readiness: { http: { path: HEALTH_PATH }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
      liveness: { tcp: {}, initialDelaySeconds: 30, periodSeconds: 10 },
    },
    // the image runs Apache as www-data (uid 33) on port 8080
    podSecurity: { runAsUser: 33, runAsGroup: 33, fsGroup: 33 },
    strategy: 'one-at-a-time',
    progressDeadlineSeconds: 300,
    // the ALB's instance targets reach the pods through a NodePort Service
    service: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] },
    ingress: {
      alb: {
        scheme: 'internet-facing',
        targetType: 'instance',
        // HTTPS only: 80 answers with a redirect to 443, which serves the ACM certificate.
        listenPorts: [
          { protocol: 'HTTP', port: 80 },
          { protocol: 'HTTPS', port: 443 },
        ],
        certificateArn: required('WORDPRESS_CERTIFICATE_ARN', 'the ACM certificate of the site'),
        sslRedirect: 443,
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        // Who may reach the ALB at all (its security group): your office or VPN until the site is
        // installed and ready, 0.0.0.0/0 when it is public.
        inboundCidrs: required('WORDPRESS_INBOUND_CIDRS', 'the CIDRs that may reach the site')
          .split(',')
          .map((cidr) => cidr.trim()),
        healthcheck: {
          path: HEALTH_PATH,
          successCodes: '200',
          intervalSeconds: 15,
          timeoutSeconds: 5,
        },
        groupName: `wordpress-${name}`,
      },
    },
    pdb: { maxUnavailable: 1 },
    hooks:
      env.WORDPRESS_SMOKE_TEST === 'true'
        ? [{ name: 'smoke-test', phase: 'post-deploy' as const, command: SMOKE_TEST, timeoutSeconds: 120 }]
        : [],
  }),
  environments: {
    test: environment('test', { replicas: 3, timeoutSeconds: 600 }),
    prod: environment('prod', { replicas: 3, timeoutSeconds: 900, lockWaitSeconds: 600 }),
  },
} satisfies KubeshipConfig;
