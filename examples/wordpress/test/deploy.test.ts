// End to end on the shared testbed (a real control plane, KWOK nodes, moto as AWS): the deploy
// buildspec's commands run as CodeBuild would run them, with CodeBuild's variables, the
// workspace's CLI in place of `npx @kubeship/codebuild-runner`, and credentials of a deploy role
// whose access is what cfn/pipeline.yaml and deploy/namespace.yaml give it: a group bound to
// `edit` in the app's namespace (as the namespaced AmazonEKSEditPolicy) plus the lease Role.
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aws, type TestbedInfo, testbedAdmin } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readJunit, readYamlDocuments } from '../../tools/lint.ts';
import { type BuildspecRun, loadBuildspec, runBuildspec } from './_codebuild.ts';
import { adminKube } from './_kube.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const repo = join(example, '..', '..');
const cliSource = join(repo, 'packages', 'codebuild-runner', 'src', 'bin.ts');
const NPX = 'npx -y @kubeship/codebuild-runner@0.1.0';

interface Environment {
  readonly name: 'test' | 'prod';
  readonly namespace: string;
  readonly password: string;
  readonly values: Record<string, string>;
}

describe('the deploy buildspec on the testbed', () => {
  const info: TestbedInfo = inject('testbed');
  const kube = adminKube(info);
  const admin = testbedAdmin(info);
  const run = (args: string[]) =>
    aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
  const suffix = randomBytes(3).toString('hex');
  const roleName = `wordpress-deploy-${suffix}`;
  const group = 'wordpress-deployers';
  const environments: Environment[] = (['test', 'prod'] as const).map((name) => ({
    name,
    namespace: `wordpress-${name}-${suffix}`,
    password: `${name}-pw-${randomBytes(12).toString('base64url')}`,
    values: {
      DB_HOST: `wordpress-${name}.c1abcdefghij.${info.region}.rds.amazonaws.com`,
      DB_USER: 'wordpress',
      MEMCACHED_ENDPOINT: `wordpress-${name}.abc123.cfg.use1.cache.amazonaws.com:11211`,
    },
  }));
  // The SSM paths are per environment name; a unique prefix per run would need a config change,
  // so this run owns /wordpress/{test,prod}/ in the shared moto (the demo uses its own testbed).
  const parameterNames = environments.flatMap((e) =>
    ['DB_HOST', 'DB_USER', 'DB_PASSWORD', 'MEMCACHED_ENDPOINT'].map((p) => `/wordpress/${e.name}/${p}`),
  );
  let deployCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  // CodeBuild's checkout: the example's files without the workspace's node_modules, so the config
  // must load as it does where npx installed the CLI elsewhere.
  const checkout = mkdtempSync(join(tmpdir(), 'wordpress-src-'));
  for (const file of ['kubeship.config.ts', 'package.json', 'deploy']) {
    cpSync(join(example, file), join(checkout, file), { recursive: true });
  }

  beforeAll(async () => {
    // SSM, as scripts/put-parameters.sh leaves it: Strings, and the password a SecureString
    // encrypted with the parameters' KMS key.
    const key = run(['kms', 'create-key', '--description', `wordpress parameters ${suffix}`]) as {
      KeyMetadata: { KeyId: string };
    };
    for (const environment of environments) {
      for (const [name, value] of Object.entries(environment.values)) {
        run([
          'ssm',
          'put-parameter',
          '--name',
          `/wordpress/${environment.name}/${name}`,
          '--value',
          value,
          '--type',
          'String',
          '--overwrite',
        ]);
      }
      run([
        'ssm',
        'put-parameter',
        '--name',
        `/wordpress/${environment.name}/DB_PASSWORD`,
        '--value',
        environment.password,
        '--type',
        'SecureString',
        '--key-id',
        key.KeyMetadata.KeyId,
        '--overwrite',
      ]);
    }

    // The deploy project's role, as EKS sees a CodeBuild session of it.
    const session = `AWSCodeBuild-${randomUUID()}`;
    deployCredentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      sessionToken: randomBytes(48).toString('base64url'),
    };
    await admin.registerCredentials({
      ...deployCredentials,
      arn: `arn:aws:sts::${info.accountId}:assumed-role/${roleName}/${session}`,
    });
    await admin.putAccessEntry(`arn:aws:iam::${info.accountId}:role/${roleName}`, {
      username: `${roleName}:{{SessionName}}`,
      groups: [group],
    });

    // What the cluster admin applies once (deploy/namespace.yaml), in this run's namespaces, and
    // the namespaced AmazonEKSEditPolicy of the access entry as a RoleBinding to `edit`.
    const manifests = readYamlDocuments(join(example, 'deploy', 'namespace.yaml')) as Array<{
      kind: string;
      metadata: { name: string; namespace?: string };
    }>;
    for (const { namespace } of environments) {
      for (const manifest of manifests) {
        const object = structuredClone(manifest);
        if (object.kind === 'Namespace') object.metadata.name = namespace;
        else object.metadata.namespace = namespace;
        const path =
          object.kind === 'Namespace'
            ? '/api/v1/namespaces'
            : `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/${object.kind === 'Role' ? 'roles' : 'rolebindings'}`;
        await kube.ok('POST', path, object);
      }
      await kube.ok('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
        metadata: { name: 'eks-access-policy-edit' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
      });
    }
  });

  afterAll(async () => {
    await admin.deleteAccessEntry(`arn:aws:iam::${info.accountId}:role/${roleName}`);
    for (const { namespace } of environments) await kube.call('DELETE', `/api/v1/namespaces/${namespace}`);
    rmSync(checkout, { recursive: true, force: true });
    run(['ssm', 'delete-parameters', '--names', ...parameterNames]);
  });

  /** Runs deploy/buildspec.yml for one environment, as its CodeBuild project would. */
  const deploy = async (environment: Environment, commit: string): Promise<BuildspecRun> => {
    const buildspec = loadBuildspec(join(checkout, 'deploy', 'buildspec.yml'));
    const { AWS_PROFILE: _, AWS_ENDPOINT_URL: __, ...inherited } = process.env;
    return runBuildspec(buildspec, {
      cwd: checkout,
      env: {
        ...inherited,
        // CodeBuild's own variables
        CODEBUILD_BUILD_ID: `wordpress-deploy-${environment.name}:${randomUUID()}`,
        CODEBUILD_RESOLVED_SOURCE_VERSION: commit,
        CODEBUILD_SRC_DIR: checkout,
        CODEBUILD_INITIATOR: `codepipeline/wordpress`,
        // the project's variables (cfn/pipeline.yaml) and the pipeline's (the Build stage's exports)
        DEPLOY_ENV: environment.name,
        IMAGE_URI: `registry.local/wordpress:${commit}`,
        // the project's role, and moto in place of AWS
        AWS_ACCESS_KEY_ID: deployCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: deployCredentials.secretAccessKey,
        AWS_SESSION_TOKEN: deployCredentials.sessionToken,
        AWS_REGION: info.region,
        AWS_DEFAULT_REGION: info.region,
        AWS_ENDPOINT_URL: info.aws.endpointUrl,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        // the testbed's cluster and this run's namespace instead of wordpress-<env>/wordpress
        [`WORDPRESS_${environment.name.toUpperCase()}_CLUSTER`]: info.clusterName,
        [`WORDPRESS_${environment.name.toUpperCase()}_NAMESPACE`]: environment.namespace,
      },
      rewrite: (command) =>
        command.replace(NPX, `${JSON.stringify(process.execPath)} --conditions=kubeship-source ${cliSource}`),
    });
  };

  const expectDeployed = async (environment: Environment, commit: string, result: BuildspecRun) => {
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).toBe(0);
    const image = `registry.local/wordpress:${commit}`;

    // the Deployment rolled out, healthy, with the image
    const deployment = await kube.ok(
      'GET',
      `/apis/apps/v1/namespaces/${environment.namespace}/deployments/wordpress`,
    );
    expect(deployment.spec.template.spec.containers[0].image).toBe(image);
    expect(deployment.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(deployment.status.observedGeneration).toBe(deployment.metadata.generation);

    // the pods' env resolves, through the Deployment's references, to the SSM values: the
    // SecureString decrypted into a Secret, the Strings in a ConfigMap
    const container = deployment.spec.template.spec.containers[0];
    const resolveEnv = async (name: string): Promise<{ kind: string; value: string }> => {
      const entry = container.env.find((e: { name: string }) => e.name === name);
      const secretRef = entry?.valueFrom?.secretKeyRef;
      const configRef = entry?.valueFrom?.configMapKeyRef;
      if (secretRef) {
        const secret = await kube.ok(
          'GET',
          `/api/v1/namespaces/${environment.namespace}/secrets/${secretRef.name}`,
        );
        return { kind: 'Secret', value: Buffer.from(secret.data[secretRef.key], 'base64').toString('utf8') };
      }
      if (configRef) {
        const map = await kube.ok(
          'GET',
          `/api/v1/namespaces/${environment.namespace}/configmaps/${configRef.name}`,
        );
        return { kind: 'ConfigMap', value: map.data[configRef.key] };
      }
      throw new Error(`env ${name} is ${JSON.stringify(entry)}`);
    };
    expect(await resolveEnv('WORDPRESS_DB_PASSWORD')).toEqual({
      kind: 'Secret',
      value: environment.password,
    });
    expect(await resolveEnv('WORDPRESS_DB_HOST')).toEqual({
      kind: 'ConfigMap',
      value: environment.values.DB_HOST,
    });
    expect((await resolveEnv('WORDPRESS_DB_USER')).value).toBe(environment.values.DB_USER);
    expect((await resolveEnv('MEMCACHED_ENDPOINT')).value).toBe(environment.values.MEMCACHED_ENDPOINT);

    // the Service and the ALB Ingress went through the apiserver's validation and exist
    const service = await kube.ok('GET', `/api/v1/namespaces/${environment.namespace}/services/wordpress`);
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports[0]).toMatchObject({ port: 80, targetPort: 'http' });
    const ingress = await kube.ok(
      'GET',
      `/apis/networking.k8s.io/v1/namespaces/${environment.namespace}/ingresses/wordpress`,
    );
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'instance',
      'alb.ingress.kubernetes.io/group.name': `wordpress-${environment.name}`,
    });

    // the JUnit report CodeBuild reads, and the exported variables CodePipeline gets
    const junit = readJunit(join(checkout, 'reports', 'deploy.xml'));
    expect(junit).toMatchObject({ tests: 1, failures: 0, errors: 0 });
    expect(junit.cases[0]?.name).toContain(`${environment.namespace}/wordpress rolls out ${image}`);
    expect(junit.cases[0]?.failure).toBeUndefined();
    expect(result.exported).toMatchObject({
      KUBESHIP_IMAGE: image,
      KUBESHIP_OUTCOME: 'deployed',
      KUBESHIP_ROLLED_BACK: 'false',
      KUBESHIP_EXIT_CODE: '0',
    });
    expect(readFileSync(join(checkout, 'kubeship.env'), 'utf8')).toContain('KUBESHIP_OUTCOME=deployed\n');

    // the password is nowhere in what the build printed or wrote
    for (const text of [output, readFileSync(join(checkout, 'reports', 'deploy.xml'), 'utf8')]) {
      expect(text).not.toContain(environment.password);
    }
  };

  it('deploys WordPress to test with the test parameters, verified, reported and exported', async () => {
    const [test] = environments as [Environment, Environment];
    const commit = randomBytes(20).toString('hex');
    const result = await deploy(test, commit);
    await expectDeployed(test, commit, result);
    expect(result.stderr).toContain(`[codebuild] running: ${JSON.stringify(process.execPath)}`);
  });

  it('then deploys to prod with the prod parameters, and a second commit rolls out over the first', async () => {
    const [, prod] = environments as [Environment, Environment];
    const first = randomBytes(20).toString('hex');
    await expectDeployed(prod, first, await deploy(prod, first));
    const second = randomBytes(20).toString('hex');
    const result = await deploy(prod, second);
    await expectDeployed(prod, second, result);
    expect(result.exported.KUBESHIP_REVISION).toBe('2');
  });
});
