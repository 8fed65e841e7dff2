// End to end on the testbed (a real control plane, KWOK nodes, moto as AWS): the pipeline's deploy
// stages as CodeBuild would run them (buildspec-promote.yml's own commands, with `npx` standing in
// for this checkout's CLI), each as its own least-privileged principal, the way cfn/pipeline.yaml's
// access entries admit them; then two pipeline runs racing through DEV while the first waits at its
// UAT approval (the first's promotion is refused, the second's goes through); then a refused
// promotion from an unhealthy source; then the Lambda deploy step.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import * as k8s from '@kubernetes/client-node';
import { loadYaml } from '@kubeship/manifests';
import { aws, IMAGE_MARKERS, putParameter, testbedAdmin } from '@kubeship/testbed';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EnvironmentName, javaWarConfig, ssmName, TOMCAT_UID } from '../kubeship.config.ts';
import { createHandler } from '../lambda/handler.ts';
import {
  type BuildspecRun,
  cliSource,
  exampleDir,
  expectExit,
  jobEvent,
  npxShim,
  type ProcessRun,
  pathWith,
  removeTemps,
  runBuildspec,
  runProcess,
  tempDir,
} from './_helpers.ts';

const info = inject('testbed');
const id = randomBytes(3).toString('hex');
const ACCOUNT = info.accountId;
const REPOSITORY = 'registry.local/java-war';
const COMMIT = `3f9c2ab${id}`.slice(0, 7);
/** A digest as ECR would report it for a pushed image. */
const fakeDigest = () => `sha256:${randomBytes(32).toString('hex')}`;
/** What the build stage exports as IMAGE_URI: the commit tag and the digest. */
const IMAGE = `${REPOSITORY}:${COMMIT}@${fakeDigest()}`;

/** One namespace per environment, plus one for the Lambda step (deploying as "dev"). */
const namespaces: Record<EnvironmentName | 'lambda', string> = {
  dev: `jw-dev-${id}`,
  uat: `jw-uat-${id}`,
  prod: `jw-prod-${id}`,
  lambda: `jw-lambda-${id}`,
};
const secrets = Object.fromEntries(
  (['dev', 'uat', 'prod'] as const).map((env) => [env, `db-pass-${env}-${id}-never-printed`]),
) as Record<EnvironmentName, string>;

/** The deploy roles of cfn/pipeline.yaml, as the testbed's token webhook knows them. */
interface Principal {
  readonly env: EnvironmentName;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly roleArn: string;
}
const principals = Object.fromEntries(
  (['dev', 'uat', 'prod'] as const).map((env) => [
    env,
    {
      env,
      accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      roleArn: `arn:aws:iam::${ACCOUNT}:role/java-war-deploy-${env}-${id}`,
    },
  ]),
) as Record<EnvironmentName, Principal>;

const kc = new k8s.KubeConfig();
kc.loadFromString(info.adminKubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
const admin = testbedAdmin(info);
let shim: string;
/** The stack's evidence bucket and key (cfn/pipeline.yaml), made in moto by beforeAll. */
const evidence = { bucket: `java-war-evidence-${id}`, kmsKey: '' };
/** Everything every CLI run and the Lambda handler printed, for the no-secrets check at the end. */
const printed: string[] = [];

/** The environment of a deploy project (cfn/pipeline.yaml) running as `principal`, pointed at the testbed. */
function buildEnv(principal: Principal, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: pathWith(shim),
    HOME: process.env.HOME ?? '/tmp',
    NO_COLOR: '1',
    AWS_ENDPOINT_URL: info.aws.endpointUrl,
    AWS_ACCESS_KEY_ID: principal.accessKeyId,
    AWS_SECRET_ACCESS_KEY: principal.secretAccessKey,
    AWS_REGION: info.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    CODEBUILD_BUILD_ID: `java-war-deploy-${principal.env}:${randomBytes(4).toString('hex')}`,
    CODEBUILD_RESOLVED_SOURCE_VERSION: `${COMMIT}5d1e0c7a9b8f6e4d2c0b1a3f5e7d9c1b2`,
    CODEBUILD_INITIATOR: 'codepipeline/java-war',
    JAVA_WAR_DEV_CLUSTER: info.clusterName,
    JAVA_WAR_UAT_CLUSTER: info.clusterName,
    JAVA_WAR_PROD_CLUSTER: info.clusterName,
    JAVA_WAR_DEV_NAMESPACE: namespaces.dev,
    JAVA_WAR_UAT_NAMESPACE: namespaces.uat,
    JAVA_WAR_PROD_NAMESPACE: namespaces.prod,
    // the project's evidence bucket prefix and key (cfn/pipeline.yaml)
    EVIDENCE_S3: `s3://${evidence.bucket}/java-war/${principal.env}`,
    EVIDENCE_KMS_KEY: evidence.kmsKey,
    ...extra,
  };
}

/** A fresh checkout: the repository root with its kubeship.config.ts (no node_modules, as in CodeBuild). */
function checkout(): string {
  const dir = tempDir('checkout');
  copyFileSync(join(exampleDir, 'kubeship.config.ts'), join(dir, 'kubeship.config.ts'));
  return dir;
}

/** buildspec-promote.yml as the deploy project of `principal.env` runs it. */
async function deployStage(
  principal: Principal,
  variables: { FROM_ENV?: string; IMAGE_URI?: string; EXPECT_DIGEST?: string },
): Promise<BuildspecRun & { cwd: string }> {
  const cwd = checkout();
  const run = await runBuildspec(join(exampleDir, 'buildspec-promote.yml'), {
    cwd,
    env: buildEnv(principal, { TARGET_ENV: principal.env, ...variables }),
    timeoutMs: 110_000,
  });
  printed.push(run.build.stdout, run.build.stderr, run.postBuild.stdout, run.postBuild.stderr);
  return { ...run, cwd };
}

/** The CLI directly (for what no pipeline stage does). */
async function kubeship(principal: Principal, args: readonly string[]): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, ['--conditions=kubeship-source', cliSource, ...args], {
    cwd: checkout(),
    env: buildEnv(principal),
    timeoutMs: 110_000,
  });
  printed.push(run.stdout, run.stderr);
  return run;
}

/** The app's running (not terminating) pods in a namespace. */
async function pods(namespace: string): Promise<k8s.V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace, labelSelector: 'app.kubernetes.io/name=java-war' });
  return list.items.filter((pod) => !pod.metadata?.deletionTimestamp);
}

/** The image IDs the app's ready pods report. */
async function runningImageIds(namespace: string): Promise<string[]> {
  return (await pods(namespace))
    .filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .flatMap((pod) => (pod.status?.containerStatuses ?? []).map((c) => c.imageID));
}

const deployment = (namespace: string) => apps.readNamespacedDeployment({ name: 'java-war', namespace });
const mainContainer = (d: k8s.V1Deployment) => d.spec?.template.spec?.containers[0] as k8s.V1Container;

/** Applies k8s/environment.yaml (namespace + deploy Lease RBAC) for one environment, as a cluster admin would. */
async function bootstrapEnvironment(namespace: string, environment: EnvironmentName): Promise<void> {
  const file = join(exampleDir, 'k8s/environment.yaml');
  for (const object of loadYaml(readFileSync(file, 'utf8'), {
    file,
    variables: { NAMESPACE: namespace, ENVIRONMENT: environment },
  })) {
    await objects.create(object as k8s.KubernetesObject);
  }
}

/** What an EKS access policy with a namespace scope grants, as a RoleBinding of the matching built-in ClusterRole. */
async function accessPolicy(namespace: string, policy: 'edit' | 'view', group: string): Promise<void> {
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: `eks-access-policy-${policy}-${group}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: policy },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    },
  });
}

beforeAll(async () => {
  shim = npxShim();
  // The clusters' side: namespaces, the Lease role, and the access entries of cfn/pipeline.yaml
  // (AmazonEKSEditPolicy on the own namespace, AmazonEKSViewPolicy on the promotion source).
  for (const env of ['dev', 'uat', 'prod'] as const) await bootstrapEnvironment(namespaces[env], env);
  await bootstrapEnvironment(namespaces.lambda, 'dev');
  await Promise.all([
    accessPolicy(namespaces.dev, 'edit', 'java-war-deploy-dev'),
    accessPolicy(namespaces.lambda, 'edit', 'java-war-deploy-dev'),
    accessPolicy(namespaces.uat, 'edit', 'java-war-deploy-uat'),
    accessPolicy(namespaces.dev, 'view', 'java-war-deploy-uat'),
    accessPolicy(namespaces.prod, 'edit', 'java-war-deploy-prod'),
    accessPolicy(namespaces.uat, 'view', 'java-war-deploy-prod'),
  ]);
  for (const principal of Object.values(principals)) {
    const role = principal.roleArn.split('/').pop() as string;
    await admin.registerCredentials({
      accessKeyId: principal.accessKeyId,
      secretAccessKey: principal.secretAccessKey,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/codebuild`,
    });
    await admin.putAccessEntry(principal.roleArn, {
      username: `${role}:{{SessionName}}`,
      groups: [`java-war-deploy-${principal.env}`],
    });
  }
  // Parameter Store: /java-war/<env>/GREETING (String) and DB_PASSWORD (SecureString, KMS).
  const run = (args: string[]) =>
    aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
  const key = run(['kms', 'create-key', '--description', `java-war e2e ${id}`]) as {
    KeyMetadata: { KeyId: string };
  };
  evidence.kmsKey = key.KeyMetadata.KeyId;
  run(['s3api', 'create-bucket', '--bucket', evidence.bucket]);
  for (const env of ['dev', 'uat', 'prod'] as const) {
    putParameter(info, { name: ssmName(env, 'GREETING'), value: `Hello from ${env}` });
    putParameter(info, {
      name: ssmName(env, 'DB_PASSWORD'),
      value: secrets[env],
      keyId: key.KeyMetadata.KeyId,
    });
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([
    ...Object.values(namespaces).map((name) => core.deleteNamespace({ name }).catch(() => {})),
    ...Object.values(principals).map((p) => admin.deleteAccessEntry(p.roleArn).catch(() => {})),
  ]);
  removeTemps();
});

describe('DEV -> UAT -> PROD with the pipeline buildspec, one image digest', () => {
  let digest = '';
  /** The digests each stage exported: the next approval shows them and passes them on. */
  const exported: Record<string, string> = {};

  it('deploys the build’s image to DEV (TARGET_ENV=dev, IMAGE_URI)', async () => {
    const run = await deployStage(principals.dev, { IMAGE_URI: IMAGE });
    expectExit(run.build, 0, 'DEV deploy');
    expect(run.exported).toMatchObject({
      KUBESHIP_IMAGE: IMAGE,
      KUBESHIP_OUTCOME: 'deployed',
      KUBESHIP_RELEASE: '1',
      KUBESHIP_DEPLOYMENT_REVISION: '1',
    });
    const junit = readFileSync(join(run.cwd, 'kubeship-junit.xml'), 'utf8');
    expect(junit).toContain('failures="0"');
    expect(junit).toContain(`${namespaces.dev}/java-war rolls out ${IMAGE}`);

    const ids = await runningImageIds(namespaces.dev);
    expect(ids).toHaveLength(1);
    digest = /@(sha256:[0-9a-f]{64})$/.exec(ids[0] as string)?.[1] ?? '';
    expect(digest).not.toBe('');
    expect(run.exported.KUBESHIP_IMAGE_DIGEST).toBe(digest);
    exported.dev = run.exported.KUBESHIP_IMAGE_DIGEST as string;
  });

  it('promotes DEV’s digest to UAT (FROM_ENV=dev), then UAT’s to PROD (FROM_ENV=uat)', async () => {
    const uat = await deployStage(principals.uat, { FROM_ENV: 'dev', EXPECT_DIGEST: exported.dev as string });
    expectExit(uat.build, 0, 'UAT promote');
    expect(uat.exported).toMatchObject({
      KUBESHIP_IMAGE: `${REPOSITORY}@${digest}`,
      KUBESHIP_IMAGE_DIGEST: digest,
      KUBESHIP_OUTCOME: 'deployed',
    });
    const prod = await deployStage(principals.prod, {
      FROM_ENV: 'uat',
      EXPECT_DIGEST: uat.exported.KUBESHIP_IMAGE_DIGEST as string,
    });
    expectExit(prod.build, 0, 'PROD promote');
    expect(prod.exported).toMatchObject({ KUBESHIP_IMAGE_DIGEST: digest, KUBESHIP_OUTCOME: 'deployed' });
  });

  it('runs the same image digest in all three environments', async () => {
    const running = {
      dev: await runningImageIds(namespaces.dev),
      uat: await runningImageIds(namespaces.uat),
      prod: await runningImageIds(namespaces.prod),
    };
    expect(running.dev).toHaveLength(1);
    expect(running.uat).toHaveLength(2);
    expect(running.prod).toHaveLength(3);
    const digests = Object.values(running)
      .flat()
      .map((imageId) => imageId.slice(imageId.lastIndexOf('@') + 1));
    expect(new Set(digests)).toEqual(new Set([digest]));
    // DEV runs the commit tag, UAT and PROD the digest itself: nothing was rebuilt or re-tagged.
    expect(mainContainer(await deployment(namespaces.dev)).image).toBe(IMAGE);
    expect(mainContainer(await deployment(namespaces.uat)).image).toBe(`${REPOSITORY}@${digest}`);
    expect(mainContainer(await deployment(namespaces.prod)).image).toBe(`${REPOSITORY}@${digest}`);
  });

  it('runs Tomcat hardened, probed on /health, with each environment’s own config from SSM', async () => {
    const prod = await deployment(namespaces.prod);
    const pod = prod.spec?.template.spec as k8s.V1PodSpec;
    const container = mainContainer(prod);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: TOMCAT_UID,
      runAsGroup: TOMCAT_UID,
    });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.fromEntries((container.volumeMounts ?? []).map((m) => [m.mountPath, m.name]))).toEqual({
      '/usr/local/tomcat/work': 'tomcat-work',
      '/usr/local/tomcat/temp': 'tomcat-temp',
      '/usr/local/tomcat/logs': 'tomcat-logs',
      '/tmp': 'tmp',
    });
    expect((pod.volumes ?? []).every((v) => v.emptyDir !== undefined)).toBe(true);
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(probe?.httpGet?.path).toBe('/health');
    }
    expect(container.resources?.limits?.memory).toBe('768Mi');
    // The namespace enforces the restricted Pod Security Standard (k8s/environment.yaml): these pods
    // passed it, and a pod that does not meet it is refused.
    const refused = await core
      .createNamespacedPod({
        namespace: namespaces.prod,
        dryRun: 'All',
        body: {
          metadata: { name: 'not-restricted' },
          spec: { containers: [{ name: 'root', image: `${REPOSITORY}:${COMMIT}` }] },
        },
      })
      .then(
        () => 'accepted',
        (error: unknown) => String((error as { body?: unknown }).body ?? error),
      );
    expect(refused).toMatch(/violates PodSecurity \W*restricted:latest/);

    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
    expect(env.APP_ENV?.value).toBe('prod');
    // SSM SecureString -> Secret (referenced, never a literal value); String -> ConfigMap.
    const secretRef = env.DB_PASSWORD?.valueFrom?.secretKeyRef as k8s.V1SecretKeySelector;
    expect(env.DB_PASSWORD?.value).toBeUndefined();
    const secret = await core.readNamespacedSecret({
      name: secretRef.name as string,
      namespace: namespaces.prod,
    });
    expect(Buffer.from(secret.data?.[secretRef.key] ?? '', 'base64').toString()).toBe(secrets.prod);
    const configMapRef = env.GREETING?.valueFrom?.configMapKeyRef;
    const configMap = await core.readNamespacedConfigMap({
      name: configMapRef?.name as string,
      namespace: namespaces.prod,
    });
    expect(configMap.data?.[configMapRef?.key as string]).toBe('Hello from prod');
  });

  it('lets a deploy role reach only its own environment (the DEV role cannot deploy PROD)', async () => {
    const before = await deployment(namespaces.prod);
    const run = await kubeship(principals.dev, ['deploy', '--env', 'prod', '--image', `${REPOSITORY}:evil`]);
    expectExit(run, 3, 'DEV role deploying PROD');
    // the pre-flight access review refuses it with every missing right, before the lease or any change
    expect(run.stderr + run.stdout).toMatch(/access review: not allowed \d+ of the \d+ rights/);
    const after = await deployment(namespaces.prod);
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    expect(mainContainer(after).image).toBe(`${REPOSITORY}@${digest}`);
  });
});

describe('two pipeline runs racing through DEV (SUPERSEDED mode) while the first waits at its UAT approval', () => {
  it('refuses the first run’s promotion (exit 2, UAT unchanged), and promotes the second run’s digest', async () => {
    // Run A: build and DEV; its UAT approval shows A's digest and waits.
    const imageA = `${REPOSITORY}:aaaa${id}@${fakeDigest()}`;
    const devA = await deployStage(principals.dev, { IMAGE_URI: imageA });
    expectExit(devA.build, 0, 'run A: DEV deploy');
    const approvedA = devA.exported.KUBESHIP_IMAGE_DIGEST as string;
    // Run B: a newer commit, built and deployed to DEV meanwhile.
    const imageB = `${REPOSITORY}:bbbb${id}@${fakeDigest()}`;
    const devB = await deployStage(principals.dev, { IMAGE_URI: imageB });
    expectExit(devB.build, 0, 'run B: DEV deploy');
    const approvedB = devB.exported.KUBESHIP_IMAGE_DIGEST as string;
    expect(approvedB).not.toBe(approvedA);

    // Someone approves run A: its promotion must not ship B, which nobody approved for UAT.
    const before = await deployment(namespaces.uat);
    const promoteA = await deployStage(principals.uat, { FROM_ENV: 'dev', EXPECT_DIGEST: approvedA });
    expectExit(promoteA.build, 2, 'run A: UAT promote after run B redeployed DEV');
    expect(promoteA.build.stderr + promoteA.build.stdout).toContain(
      `refusing to promote from dev: it runs ${approvedB}, not the approved ${approvedA}`,
    );
    expect(existsSync(join(promoteA.cwd, 'kubeship.env'))).toBe(false);
    const after = await deployment(namespaces.uat);
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    expect(mainContainer(after).image).toBe(mainContainer(before).image);

    // A promotion without the approved digest is refused by the buildspec itself.
    const unpinned = await deployStage(principals.uat, { FROM_ENV: 'dev' });
    expectExit(unpinned.build, 2, 'UAT promote without EXPECT_DIGEST');
    expect(unpinned.build.stderr).toContain('EXPECT_DIGEST is not set');

    // Run B's approval: its own digest goes to UAT.
    const promoteB = await deployStage(principals.uat, { FROM_ENV: 'dev', EXPECT_DIGEST: approvedB });
    expectExit(promoteB.build, 0, 'run B: UAT promote');
    expect(promoteB.exported).toMatchObject({
      KUBESHIP_IMAGE: `${REPOSITORY}@${approvedB}`,
      KUBESHIP_IMAGE_DIGEST: approvedB,
      KUBESHIP_OUTCOME: 'deployed',
    });
    expect(mainContainer(await deployment(namespaces.uat)).image).toBe(`${REPOSITORY}@${approvedB}`);
  });
});

describe('a promotion from an unhealthy source', () => {
  it('is refused (exit 2) and changes nothing in the target', async () => {
    // DEV gets a crash-looping image and keeps it: no rollback.
    const bad = `${REPOSITORY}:bad${id}-${IMAGE_MARKERS.crashLoop}`;
    const crash = await kubeship(principals.dev, ['deploy', '--env', 'dev', '--image', bad, '--no-rollback']);
    expectExit(crash, 5, 'DEV deploy of a crash-looping image without rollback');
    expect(mainContainer(await deployment(namespaces.dev)).image).toBe(bad);

    const before = await deployment(namespaces.uat);
    const replicaSets = (await apps.listNamespacedReplicaSet({ namespace: namespaces.uat })).items.length;
    const run = await deployStage(principals.uat, {
      FROM_ENV: 'dev',
      EXPECT_DIGEST: mainContainer(before).image?.split('@')[1] as string,
    });
    expectExit(run.build, 2, 'UAT promote from a failed DEV');
    expect(run.build.stderr + run.build.stdout).toContain('refusing to promote from dev');
    expect(existsSync(join(run.cwd, 'kubeship.env'))).toBe(false);
    expect(run.exported.KUBESHIP_OUTCOME).toBe('');

    const after = await deployment(namespaces.uat);
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    expect(after.metadata?.annotations).toEqual(before.metadata?.annotations);
    expect(mainContainer(after).image).toBe(mainContainer(before).image);
    expect((await apps.listNamespacedReplicaSet({ namespace: namespaces.uat })).items).toHaveLength(
      replicaSets,
    );
  });
});

describe('the Lambda deploy step (lambda/handler.ts) on a CodePipeline job', () => {
  const codePipeline = mockClient(CodePipelineClient);
  const saved: NodeJS.ProcessEnv = {};
  const context = { awsRequestId: `lambda-${id}`, getRemainingTimeInMillis: () => 840_000 };
  let handler: ReturnType<typeof createHandler>;

  beforeAll(() => {
    // As in Lambda: the function role's credentials and the region in the environment.
    const env = {
      AWS_ENDPOINT_URL: info.aws.endpointUrl,
      AWS_ACCESS_KEY_ID: principals.dev.accessKeyId,
      AWS_SECRET_ACCESS_KEY: principals.dev.secretAccessKey,
      AWS_REGION: info.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_')) {
        saved[key] = process.env[key];
        delete process.env[key];
      }
    }
    for (const [key, value] of Object.entries(env)) {
      saved[key] ??= undefined;
      process.env[key] = value;
    }
    codePipeline.on(PutJobSuccessResultCommand).resolves({});
    codePipeline.on(PutJobFailureResultCommand).resolves({});
    handler = createHandler({
      codePipeline: new CodePipelineClient({ region: info.region }),
      config: javaWarConfig({
        JAVA_WAR_DEV_CLUSTER: info.clusterName,
        JAVA_WAR_DEV_NAMESPACE: namespaces.lambda,
      }),
      region: info.region,
      onlyEnvironment: 'dev',
      log: (line) => printed.push(line),
    });
  });

  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    codePipeline.restore();
  });

  it('deploys a good image and reports PutJobSuccessResult', async () => {
    const done = await handler(
      jobEvent(JSON.stringify({ env: 'dev', image: IMAGE }), `job-good-${id}`),
      context,
    );
    expect(done.outcome).toMatchObject({ kind: 'success' });
    expect(codePipeline.commandCalls(PutJobFailureResultCommand)).toHaveLength(0);
    const calls = codePipeline.commandCalls(PutJobSuccessResultCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      jobId: `job-good-${id}`,
      outputVariables: {
        KUBESHIP_IMAGE: IMAGE,
        KUBESHIP_OUTCOME: 'deployed',
        KUBESHIP_RELEASE: '1',
        KUBESHIP_DEPLOYMENT_REVISION: '1',
      },
      executionDetails: { externalExecutionId: `lambda-${id}`, percentComplete: 100 },
    });
    const live = await deployment(namespaces.lambda);
    expect(mainContainer(live).image).toBe(IMAGE);
    expect(
      live.spec?.template.metadata?.annotations?.['kubernetes.io/change-cause'] ??
        live.metadata?.annotations?.['kubernetes.io/change-cause'],
    ).toContain(`CodePipeline job job-good-${id}`);
    expect(await runningImageIds(namespaces.lambda)).toHaveLength(1);
  });

  it('reports PutJobFailureResult for a crash-looping image, after rolling it back', async () => {
    codePipeline.resetHistory();
    const bad = `${REPOSITORY}:lambda${id}-${IMAGE_MARKERS.crashLoop}`;
    const done = await handler(
      jobEvent(JSON.stringify({ env: 'dev', image: bad }), `job-bad-${id}`),
      context,
    );
    expect(codePipeline.commandCalls(PutJobSuccessResultCommand)).toHaveLength(0);
    const calls = codePipeline.commandCalls(PutJobFailureResultCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.jobId).toBe(`job-bad-${id}`);
    expect(input?.failureDetails?.type).toBe('JobFailed');
    expect(input?.failureDetails?.message).toMatch(/rolled back to release \d+ \(healthy\)/);
    expect(done.outcome.kind).toBe('failure');
    // The rollback left the good image running.
    expect(mainContainer(await deployment(namespaces.lambda)).image).toBe(IMAGE);
  });

  it('refuses a job for another environment without deploying', async () => {
    codePipeline.resetHistory();
    await handler(jobEvent(JSON.stringify({ env: 'prod', image: IMAGE }), `job-prod-${id}`), context);
    const [call] = codePipeline.commandCalls(PutJobFailureResultCommand);
    expect(call?.args[0].input.failureDetails).toMatchObject({ type: 'ConfigurationError' });
    expect(codePipeline.commandCalls(PutJobSuccessResultCommand)).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('never appear in anything the CLI or the Lambda printed', () => {
    const all = printed.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const value of Object.values(secrets)) {
      expect(all).not.toContain(value);
      expect(all).not.toContain(Buffer.from(value).toString('base64'));
    }
  });
});
