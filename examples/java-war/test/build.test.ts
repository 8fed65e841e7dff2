// buildspec-build.yml's build phase as CodeBuild runs it, against moto's ECR (through a proxy that
// can throttle or deny DescribeImages): `mvn` and `docker` are stand-ins that log what they are
// asked (mvn writes a WAR as `mvn verify` leaves it). The image is built only when ECR says the
// tag is absent, from the very WAR the tests passed on (WAR_SOURCE=context and its sha256); a
// throttled or denied check fails the build without building or pushing.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aws, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { awsCliDirectory } from '../../tools/aws-cli.ts';
import { ACCESS_DENIED, type FaultProxy, startFaultProxy, THROTTLING } from '../../tools/aws-fault-proxy.ts';
import { exampleDir, pathWith, removeTemps, runBuildspec, tempDir } from './_helpers.ts';

const WAR = 'the WAR mvn verify built and tested';
const STUBS = {
  mvn: `#!/usr/bin/env bash
echo "mvn $*" >> "$STUB_LOG"
mkdir -p app/target && printf '%s' "$STUB_WAR" > app/target/java-war.war
`,
  docker: `#!/usr/bin/env bash
echo "docker $*" >> "$STUB_LOG"
case "$1" in
  inspect) echo "\${IMAGE_REPO_URI}@sha256:$(printf '%s' "$*" | sha256sum | cut -d' ' -f1)" ;;
esac
`,
};

describe('buildspec-build.yml: the image check and the WAR it ships', () => {
  const info: TestbedInfo = inject('testbed');
  const repository = `java-war-build-${randomBytes(3).toString('hex')}`;
  const repositoryUri = `${info.accountId}.dkr.ecr.${info.region}.amazonaws.com/${repository}`;
  const moto = (args: string[]) =>
    aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
  const stubs = tempDir('stubs');
  let proxy: FaultProxy;

  beforeAll(async () => {
    for (const [name, script] of Object.entries(STUBS)) {
      writeFileSync(join(stubs, name), script);
      chmodSync(join(stubs, name), 0o755);
    }
    moto([
      'ecr',
      'create-repository',
      '--repository-name',
      repository,
      '--image-tag-mutability',
      'IMMUTABLE',
    ]);
    proxy = await startFaultProxy(info.aws.endpointUrl);
  });
  afterAll(async () => {
    await proxy?.close();
    moto(['ecr', 'delete-repository', '--repository-name', repository, '--force']);
    removeTemps();
  });

  /** The build phase for tag `tag` in a fresh checkout; what the stubs were asked. */
  const build = async (tag: string) => {
    const checkout = tempDir('checkout');
    const log = join(checkout, 'stub.log');
    writeFileSync(log, '');
    const run = await runBuildspec(join(exampleDir, 'buildspec-build.yml'), {
      cwd: checkout,
      env: {
        PATH: pathWith(`${stubs}:${awsCliDirectory()}`),
        HOME: checkout,
        STUB_LOG: log,
        STUB_WAR: WAR,
        IMAGE_TAG: tag,
        IMAGE_REPO_URI: repositoryUri,
        AWS_ENDPOINT_URL: proxy.endpointUrl,
        AWS_MAX_ATTEMPTS: '1',
        AWS_ACCESS_KEY_ID: info.aws.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: info.aws.credentials.secretAccessKey,
        AWS_REGION: info.region,
        AWS_DEFAULT_REGION: info.region,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    const calls = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
    return { ...run, calls, docker: calls.filter((c) => c.startsWith('docker ')) };
  };

  it('builds an absent tag from the tested WAR (its sha256 checked in the image) and pushes it', async () => {
    const tag = randomBytes(4).toString('hex').slice(0, 7);
    const result = await build(tag);
    expect(result.build.code, result.build.stderr).toBe(0);
    expect(result.calls[0]).toMatch(/^mvn .*verify$/);
    const sha = createHash('sha256').update(WAR).digest('hex');
    const dockerBuild = result.docker.find((c) => c.startsWith('docker build '));
    expect(dockerBuild).toContain('--build-arg WAR_SOURCE=context');
    expect(dockerBuild).toContain(`--build-arg WAR_SHA256=${sha}`);
    expect(result.docker).toContain(`docker push --quiet ${repositoryUri}:${tag}`);
  });

  it('does not build or push a tag ECR has already', async () => {
    const tag = randomBytes(4).toString('hex').slice(0, 7);
    moto([
      'ecr',
      'put-image',
      '--repository-name',
      repository,
      '--image-tag',
      tag,
      '--image-manifest',
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: `sha256:${'a'.repeat(64)}`,
          size: 1,
        },
      }),
    ]);
    const result = await build(tag);
    expect(result.build.code, result.build.stderr).toBe(0);
    expect(result.build.stdout).toContain('exists already; not pushing it again');
    expect(result.docker.filter((c) => /^docker (build|push)/.test(c))).toEqual([]);
  });

  it('fails without building or pushing when ECR throttles or denies the check (neither means "absent")', async () => {
    for (const fault of [THROTTLING, ACCESS_DENIED]) {
      proxy.inject('AmazonEC2ContainerRegistry_V20150921.DescribeImages', fault);
      try {
        const result = await build(randomBytes(4).toString('hex').slice(0, 7));
        expect(result.build.code).not.toBe(0);
        expect(result.build.stderr).toContain(fault.code);
        expect(result.docker.filter((c) => /^docker (build|push)/.test(c))).toEqual([]);
      } finally {
        proxy.inject('AmazonEC2ContainerRegistry_V20150921.DescribeImages', undefined);
      }
    }
  });
});
