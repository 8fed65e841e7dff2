// End to end on the shared testbed (a real control plane, KWOK nodes, moto as AWS): the deploy
// buildspec's commands run as CodeBuild would run them, with CodeBuild's variables, the
// workspace's CLI in place of `npx @kubeship/codebuild-runner`, and credentials of a deploy role
// whose access is what cfn/pipeline.yaml and deploy/namespace.yaml give it: a group bound to
// `edit` in the app's namespace (as the namespaced AmazonEKSEditPolicy) plus the lease Role.
// A verified deploy tags the image in moto's ECR (deployed-<env>-<commit>); a failed one is
// rolled back and tags nothing.

import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aws, IMAGE_MARKERS, type TestbedInfo, testbedAdmin } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundle } from '../../../scripts/bundle.ts';
import { readJunit, readYamlDocuments } from '../../tools/lint.ts';
import { awsCliDirectory, createImmutableRepository } from './_aws.ts';
import { type BuildspecRun, loadBuildspec, runBuildspec } from './_codebuild.ts';
import { adminKube } from './_kube.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const repo = join(example, '..', '..');
const cliSource = join(repo, 'packages', 'codebuild-runner', 'src', 'bin.ts');
// The buildspec's choice of the npm package; the workspace's CLI stands in for it.
const NPX = 'KUBESHIP="npx -y $KUBESHIP_PACKAGE"';
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-000000000001';
const INBOUND = '203.0.113.0/24';

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
  // the stack's evidence bucket and key (cfn/pipeline.yaml), made in moto once
  const evidenceBucket = `wordpress-evidence-${suffix}`;
  let evidenceKeyId: string | undefined;
  const evidenceKey = (): string => {
    if (evidenceKeyId === undefined) {
      run(['s3api', 'create-bucket', '--bucket', evidenceBucket]);
      evidenceKeyId = (
        run(['kms', 'create-key', '--description', 'wordpress evidence']) as {
          KeyMetadata: { KeyId: string };
        }
      ).KeyMetadata.KeyId;
    }
    return evidenceKeyId;
  };
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
    ['DB_HOST', 'DB_USER', 'DB_PASSWORD', 'MEMCACHED_ENDPOINT', 'INSTALL_KEY'].map(
      (p) => `/wordpress/${e.name}/${p}`,
    ),
  );
  // The pipeline's ECR repository, in moto: the deploy tags what it verified.
  const repositoryName = `wordpress-${suffix}`;
  const registry = `${info.accountId}.dkr.ecr.${info.region}.amazonaws.com`;

  let deployCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  // CodeBuild's checkout: the example's files without the workspace's node_modules, so the config
  // must load as it does where npx installed the CLI elsewhere.
  const checkout = mkdtempSync(join(tmpdir(), 'wordpress-src-'));
  for (const file of ['kubeship.config.ts', 'package.json', 'deploy']) {
    cpSync(join(example, file), join(checkout, file), { recursive: true });
  }

  beforeAll(async () => {
    createImmutableRepository(info, repositoryName);
    // SSM, as scripts/put-parameters.sh leaves it: Strings, and the password and install key
    // SecureStrings encrypted with the parameters' KMS key.
    const key = run(['kms', 'create-key', '--description', `wordpress parameters ${suffix}`]) as {
      KeyMetadata: { KeyId: string };
    };
    for (const environment of environments) {
      const secure = { DB_PASSWORD: environment.password, INSTALL_KEY: `${environment.password}-install` };
      for (const [name, value] of [...Object.entries(environment.values), ...Object.entries(secure)]) {
        run([
          'ssm',
          'put-parameter',
          '--name',
          `/wordpress/${environment.name}/${name}`,
          '--value',
          value,
          '--overwrite',
          ...(name in secure
            ? ['--type', 'SecureString', '--key-id', key.KeyMetadata.KeyId]
            : ['--type', 'String']),
        ]);
      }
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
    run(['ecr', 'delete-repository', '--repository-name', repositoryName, '--force']);
  });

  /** Puts an image for `tag` into moto's ECR, as the Build stage would have; returns its digest. */
  const pushImage = (tag: string): string => {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${randomBytes(32).toString('hex')}`,
        size: 1,
      },
    });
    return (
      run([
        'ecr',
        'put-image',
        '--repository-name',
        repositoryName,
        '--image-tag',
        tag,
        '--image-manifest',
        manifest,
      ]) as {
        image: { imageId: { imageDigest: string } };
      }
    ).image.imageId.imageDigest;
  };
  /** The tags of the image `digest` in moto's ECR. */
  const tagsOf = (digest: string): string[] =>
    (
      run([
        'ecr',
        'describe-images',
        '--repository-name',
        repositoryName,
        '--image-ids',
        `imageDigest=${digest}`,
      ]) as { imageDetails: Array<{ imageTags?: string[] }> }
    ).imageDetails[0]?.imageTags?.sort() ?? [];

  /** Runs deploy/buildspec.yml for one environment, as its CodeBuild project would. */
  const deploy = async (
    environment: Environment,
    commit: string,
    image = `registry.local/wordpress:${commit}`,
    cwd = checkout,
  ): Promise<BuildspecRun> => {
    const buildspec = loadBuildspec(join(cwd, 'deploy', 'buildspec.yml'));
    const { AWS_PROFILE: _, AWS_ENDPOINT_URL: __, ...inherited } = process.env;
    return runBuildspec(buildspec, {
      cwd,
      env: {
        ...inherited,
        PATH: `${awsCliDirectory()}:${process.env.PATH}`,
        // CodeBuild's own variables
        CODEBUILD_BUILD_ID: `wordpress-deploy-${environment.name}:${randomUUID()}`,
        CODEBUILD_RESOLVED_SOURCE_VERSION: commit,
        CODEBUILD_SRC_DIR: cwd,
        CODEBUILD_INITIATOR: `codepipeline/wordpress`,
        // the project's variables (cfn/pipeline.yaml) and the pipeline's (the Build stage's exports)
        DEPLOY_ENV: environment.name,
        IMAGE_URI: image,
        RELEASE_TAG_REPOSITORY: repositoryName,
        WORDPRESS_CERTIFICATE_ARN: CERTIFICATE,
        WORDPRESS_INBOUND_CIDRS: INBOUND,
        EVIDENCE_BUCKET: evidenceBucket,
        EVIDENCE_KMS_KEY: evidenceKey(),
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
        command.replace(NPX, `KUBESHIP="${process.execPath} --conditions=kubeship-source ${cliSource}"`),
    });
  };

  const expectDeployed = async (
    environment: Environment,
    commit: string,
    result: BuildspecRun,
    image = `registry.local/wordpress:${commit}`,
  ) => {
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).toBe(0);

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
      'alb.ingress.kubernetes.io/certificate-arn': CERTIFICATE,
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/inbound-cidrs': INBOUND,
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
    expect(output).toContain(`DATABASE_SECRET_ARN not set`);
  };

  it('deploys WordPress to test with the test parameters, verified, reported and exported', async () => {
    const [test] = environments as [Environment, Environment];
    const commit = randomBytes(20).toString('hex');
    const result = await deploy(test, commit);
    await expectDeployed(test, commit, result);
    expect(result.stdout).toContain(`kubeship 0.1.0 (${process.execPath} --conditions=kubeship-source`);
  });

  it('then deploys to prod with the prod parameters, and a second commit rolls out over the first', async () => {
    const [, prod] = environments as [Environment, Environment];
    const first = randomBytes(20).toString('hex');
    await expectDeployed(prod, first, await deploy(prod, first));
    const second = randomBytes(20).toString('hex');
    const result = await deploy(prod, second);
    await expectDeployed(prod, second, result);
    expect(result.exported).toMatchObject({ KUBESHIP_RELEASE: '2', KUBESHIP_DEPLOYMENT_REVISION: '2' });
  });

  it('tags the image it verified deployed-<env>-<commit> in ECR; a failed deploy is rolled back and tags nothing', async () => {
    const [, prod] = environments as [Environment, Environment];
    const good = randomBytes(20).toString('hex');
    const goodDigest = pushImage(good);
    const goodImage = `${registry}/${repositoryName}:${good}`;
    const result = await deploy(prod, good, goodImage);
    await expectDeployed(prod, good, result, goodImage);
    expect(result.stdout).toContain(`tagged ${repositoryName}:${good} as deployed-prod-${good}`);
    expect(tagsOf(goodDigest)).toEqual([good, `deployed-prod-${good}`].sort());

    // The same commit again (a rollback-stage to that execution): the tag is there already.
    const again = await deploy(prod, good, goodImage);
    expect(again.status, again.stderr).toBe(0);
    expect(tagsOf(goodDigest)).toEqual([good, `deployed-prod-${good}`].sort());

    // A commit whose pods crash: rolled back to the good image, exit 1, no tag.
    const bad = `${randomBytes(16).toString('hex')}-${IMAGE_MARKERS.crashLoop}`;
    const badDigest = pushImage(bad);
    const failed = await deploy(prod, bad, `${registry}/${repositoryName}:${bad}`);
    expect(failed.status, failed.stderr).toBe(1);
    expect(failed.exported).toMatchObject({ KUBESHIP_OUTCOME: 'rolled-back', KUBESHIP_ROLLED_BACK: 'true' });
    expect(tagsOf(badDigest)).toEqual([bad]);
    const deployment = await kube.ok(
      'GET',
      `/apis/apps/v1/namespaces/${prod.namespace}/deployments/wordpress`,
    );
    expect(deployment.spec.template.spec.containers[0].image).toBe(goodImage);
  });

  it('runs a vendored bundle (tools/kubeship.mjs) after checking its checksum, and refuses a tampered one', async () => {
    const [test] = environments as [Environment, Environment];
    const vendored = mkdtempSync(join(tmpdir(), 'wordpress-vendored-'));
    try {
      cpSync(checkout, vendored, { recursive: true });
      const { file, checksumFile } = await bundle(join(vendored, 'tools', 'kubeship.mjs'));
      expect(checksumFile).toBe(join(vendored, 'tools', 'kubeship.mjs.sha256'));
      const commit = randomBytes(20).toString('hex');
      // no rewrite: the buildspec must pick the bundle itself, with no npx and no registry
      const result = await deploy(test, commit, undefined, vendored);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('kubeship.mjs: OK');
      expect(result.stdout).toContain(`(node ${file})`);
      expect(result.exported).toMatchObject({ KUBESHIP_OUTCOME: 'deployed' });

      writeFileSync(file, `${readFileSync(file, 'utf8')}\n// not the released file`);
      rmSync(join(vendored, 'kubeship.env'), { force: true });
      const before = await kube.ok('GET', `/apis/apps/v1/namespaces/${test.namespace}/deployments/wordpress`);
      const tampered = await deploy(test, randomBytes(20).toString('hex'), undefined, vendored);
      expect(tampered.status).not.toBe(0);
      expect(tampered.failedPhase).toBe('pre_build');
      expect(tampered.stdout + tampered.stderr).toMatch(/kubeship\.mjs: FAILED/);
      const after = await kube.ok('GET', `/apis/apps/v1/namespaces/${test.namespace}/deployments/wordpress`);
      expect(after.metadata.generation).toBe(before.metadata.generation);
    } finally {
      rmSync(vendored, { recursive: true, force: true });
    }
  });
});
