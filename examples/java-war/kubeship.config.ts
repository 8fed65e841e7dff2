// What kubeship deploys for java-war, per environment: DEV and UAT share a non-production cluster
// (one namespace each), PROD has its own. buildspec-promote.yml runs, in the repository root,
//   npx -y @kubeship/codebuild-runner@0.1.0 deploy --env dev --image $IMAGE_URI
//   npx -y @kubeship/codebuild-runner@0.1.0 promote --from dev --to uat     (and --from uat --to prod)
// and lambda/handler.ts deploys from the same file.
//
// The imports are type-only: Node strips them when it loads this file, so `npx` runs it with no
// node_modules in the repository. SSM references are the plain `{ ssm: name }` objects.
//
// Environment variables (all optional; the pipeline's CodeBuild projects and the tests set them):
//   JAVA_WAR_<ENV>_CLUSTER     EKS cluster of dev, uat or prod (default java-war-nonprod / java-war-prod)
//   JAVA_WAR_<ENV>_NAMESPACE   its namespace (default java-war-<env>)
//   JAVA_WAR_REGION            region of the clusters and SSM (default: AWS_REGION of the build)
//   JAVA_WAR_IMAGE_REPOSITORY  the ECR repository (the deploy passes the exact image anyway)
import type { EnvironmentContext, KubeshipConfig } from '@kubeship/codebuild-runner';
import type { AppSpec } from '@kubeship/manifests';

/** Environment variables, as `process.env` has them. */
export type Variables = Readonly<Record<string, string | undefined>>;

/** The environments, in promotion order. */
export const ENVIRONMENTS = ['dev', 'uat', 'prod'] as const;

/** One of {@link ENVIRONMENTS}. */
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** The uid and gid the image's Tomcat runs as (see the Dockerfile). */
export const TOMCAT_UID = 10001;

const TOMCAT = '/usr/local/tomcat';
const DEFAULT_REPOSITORY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/java-war';

/** SSM parameters every environment needs, under `/java-war/<env>/`; DB_PASSWORD is a SecureString. */
export const SSM_PARAMETERS = ['GREETING', 'DB_PASSWORD'] as const;

/** The SSM parameter name of `key` in environment `environment`. */
export function ssmName(environment: string, key: (typeof SSM_PARAMETERS)[number]): string {
  return `/java-war/${environment}/${key}`;
}

// No pre-deploy migration hook: this app has no database (DB_PASSWORD only shows a SecureString
// reaching the pods), so a Flyway Job would migrate nothing. An app with one adds to its spec
//   hooks: [{ name: 'migrate', phase: 'pre-deploy', image: 'flyway/flyway:10',
//             args: ['-url=$(DB_URL)', '-user=app', '-password=$(DB_PASSWORD)', 'migrate'] }]
// The hook runs the main container's env (its SSM values included; Kubernetes expands $(VAR) in
// args) to completion before Tomcat's pods change, its log in the build log; a failed migration
// stops the release with nothing else changed (docs/cli.md, "Hooks").

/** The app in one environment: Tomcat serving ROOT.war, hardened, probed on /health. */
export function javaWarApp({ name }: Pick<EnvironmentContext, 'name'>, variables: Variables = {}): AppSpec {
  return {
    name: 'java-war',
    // The pipeline always passes the exact image: --image for DEV, the promoted digest after that.
    image: `${variables.JAVA_WAR_IMAGE_REPOSITORY ?? DEFAULT_REPOSITORY}:local`,
    ports: [{ name: 'http', containerPort: 8080 }],
    env: {
      APP_ENV: name,
      GREETING: { ssm: ssmName(name, 'GREETING') },
      DB_PASSWORD: { ssm: ssmName(name, 'DB_PASSWORD') },
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      JAVA_OPTS: '-XX:MaxRAMPercentage=75 -Djava.security.egd=file:/dev/./urandom',
    },
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '768Mi' } },
    probes: {
      // The JVM and Tomcat take a while to start: up to 2 minutes before liveness counts.
      startup: { http: { path: '/health' }, periodSeconds: 5, failureThreshold: 24 },
      readiness: { http: { path: '/health' }, periodSeconds: 5, failureThreshold: 3 },
      liveness: { http: { path: '/health' }, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 3 },
    },
    podSecurity: { runAsUser: TOMCAT_UID, runAsGroup: TOMCAT_UID, fsGroup: TOMCAT_UID },
    // Read-only root filesystem: Tomcat writes only to work/, temp/ and logs/, and the JVM to /tmp.
    security: { readOnlyRootFilesystem: true },
    volumes: [
      { name: 'tomcat-work', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'tomcat-temp', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'tomcat-logs', emptyDir: { sizeLimit: '512Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ],
    volumeMounts: [
      { name: 'tomcat-work', mountPath: `${TOMCAT}/work` },
      { name: 'tomcat-temp', mountPath: `${TOMCAT}/temp` },
      { name: 'tomcat-logs', mountPath: `${TOMCAT}/logs` },
      { name: 'tmp', mountPath: '/tmp' },
    ],
    strategy: 'one-at-a-time',
    progressDeadlineSeconds: 300,
    service: { ports: [{ port: 80, targetPort: 'http' }] },
    ingress: {
      alb: {
        scheme: 'internal',
        groupName: `java-war-${name}`,
        healthcheck: { path: '/health' },
      },
    },
    labels: { environment: name },
  };
}

/** The whole config, with cluster names, namespaces and region taken from `variables`. */
export function javaWarConfig(variables: Variables = {}): KubeshipConfig {
  const region = variables.JAVA_WAR_REGION;
  const cluster = (environment: EnvironmentName, fallback: string) => ({
    name: variables[`JAVA_WAR_${environment.toUpperCase()}_CLUSTER`] || fallback,
    ...(region ? { region } : {}),
  });
  const namespace = (environment: EnvironmentName) =>
    variables[`JAVA_WAR_${environment.toUpperCase()}_NAMESPACE`] || `java-war-${environment}`;
  return {
    app: (environment) => javaWarApp(environment, variables),
    environments: {
      dev: {
        cluster: cluster('dev', 'java-war-nonprod'),
        namespace: namespace('dev'),
        replicas: 1,
        timeoutSeconds: 300,
      },
      uat: {
        cluster: cluster('uat', 'java-war-nonprod'),
        namespace: namespace('uat'),
        replicas: 2,
        timeoutSeconds: 600,
      },
      prod: {
        cluster: cluster('prod', 'java-war-prod'),
        namespace: namespace('prod'),
        replicas: 3,
        timeoutSeconds: 900,
        // a second approved release waits for the first instead of failing
        lockWaitSeconds: 600,
      },
    },
  };
}

export default javaWarConfig(process.env);
