// The Build stage's buildspec (build/buildspec.yml) as CodeBuild runs it, against moto's ECR with an
// IMMUTABLE repository like cfn/pipeline.yaml's. `docker` is a stand-in that logs what it is asked
// and, on push, puts a manifest that differs on every build into moto (as a real rebuild may: a
// newer base image layer, a changed apt mirror), so a second push of a commit's tag would fail
// just as it fails on ECR.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ACCESS_DENIED, type FaultProxy, startFaultProxy, THROTTLING } from '../../tools/aws-fault-proxy.ts';
import { createImmutableRepository, motoCli, motoEnv } from './_aws.ts';
import { loadBuildspec, runBuildspec } from './_codebuild.ts';
import { run } from './_run.ts';

const example = fileURLToPath(new URL('..', import.meta.url));

const FAKE_DOCKER = `#!/usr/bin/env bash
# docker, as far as build/buildspec.yml uses it: every call is logged; push puts a new manifest into ECR.
set -euo pipefail
echo "$*" >> "$DOCKER_LOG"
case "$1" in
  login) cat > /dev/null; echo "Login Succeeded" ;;
  build) echo "built" ;;
  push)
    reference=$2; tag=\${reference##*:}; repository=\${reference%:*}; repository=\${repository#*/}
    layer=$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)
    manifest="{\\"schemaVersion\\":2,\\"mediaType\\":\\"application/vnd.oci.image.manifest.v1+json\\",\\"config\\":{\\"mediaType\\":\\"application/vnd.oci.image.config.v1+json\\",\\"digest\\":\\"sha256:$layer\\",\\"size\\":1}}"
    aws ecr put-image --region "$AWS_REGION" --repository-name "$repository" --image-tag "$tag" --image-manifest "$manifest" > /dev/null
    echo "pushed $reference" ;;
  *) echo "fake docker: unexpected $1" >&2; exit 2 ;;
esac
`;

describe('the build buildspec against an IMMUTABLE ECR repository', () => {
  const info: TestbedInfo = inject('testbed');
  const suffix = randomBytes(3).toString('hex');
  const repositoryName = `wordpress-${suffix}`;
  const registry = `${info.accountId}.dkr.ecr.${info.region}.amazonaws.com`;
  const repositoryUri = `${registry}/${repositoryName}`;
  const work = mkdtempSync(join(tmpdir(), 'wordpress-build-'));
  const bin = join(work, 'bin');
  const dockerLog = join(work, 'docker.log');
  const awsJson = motoCli(info);

  beforeAll(() => {
    mkdirSync(bin);
    writeFileSync(join(bin, 'docker'), FAKE_DOCKER);
    chmodSync(join(bin, 'docker'), 0o755);
    createImmutableRepository(info, repositoryName);
  });

  afterAll(() => {
    awsJson(['ecr', 'delete-repository', '--repository-name', repositoryName, '--force']);
    rmSync(work, { recursive: true, force: true });
  });

  /** The build project's environment (cfn/pipeline.yaml), moto in place of AWS. */
  const projectEnv = (variables: Record<string, string>) =>
    motoEnv(info, { DOCKER_LOG: dockerLog, ...variables }, [bin]);

  /** One run of the Build stage for `commit`, in a fresh checkout. */
  const build = async (commit: string, repository = repositoryUri, aws: Record<string, string> = {}) => {
    const checkout = mkdtempSync(join(work, 'src-'));
    writeFileSync(dockerLog, '');
    const result = await runBuildspec(loadBuildspec(join(example, 'build', 'buildspec.yml')), {
      cwd: checkout,
      env: projectEnv({
        CODEBUILD_SRC_DIR: checkout,
        CODEBUILD_RESOLVED_SOURCE_VERSION: commit,
        COMMIT_ID: commit,
        REPOSITORY_URI: repository,
        ...aws,
      }),
    });
    const docker = readFileSync(dockerLog, 'utf8').trim().split('\n').filter(Boolean);
    const imageFile = join(checkout, 'image.json');
    const image = (existsSync(imageFile) ? JSON.parse(readFileSync(imageFile, 'utf8')) : {}) as Record<
      string,
      string
    >;
    return { ...result, docker, image, output: `${result.stdout}\n${result.stderr}` };
  };

  const ecrDigest = (tag: string) =>
    (
      awsJson([
        'ecr',
        'describe-images',
        '--repository-name',
        repositoryName,
        '--image-ids',
        `imageTag=${tag}`,
      ]) as { imageDetails: Array<{ imageDigest: string }> }
    ).imageDetails[0]?.imageDigest;

  it('builds and pushes a new commit, exporting the digest ECR has, with no build-time label', async () => {
    const commit = randomBytes(20).toString('hex');
    const first = await build(commit);
    expect(first.status, first.output).toBe(0);
    const builds = first.docker.filter((line) => line.startsWith('build '));
    expect(builds).toHaveLength(1);
    expect(builds[0]).toContain(`--tag ${repositoryUri}:${commit}`);
    expect(builds[0]).toContain(`--label org.opencontainers.image.revision=${commit}`);
    // nothing that changes from one build of the commit to the next
    expect(builds[0]).not.toMatch(/created|date/);
    expect(first.docker.filter((line) => line.startsWith('push '))).toEqual([
      `push ${repositoryUri}:${commit}`,
    ]);
    const digest = ecrDigest(commit);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.exported).toEqual({
      IMAGE_URI: `${repositoryUri}:${commit}`,
      IMAGE_TAG: commit,
      IMAGE_DIGEST: digest,
    });
    expect(first.image).toEqual({
      imageUri: `${repositoryUri}:${commit}`,
      imageTag: commit,
      imageDigest: digest,
    });
  });

  it('rebuilding the same commit skips build and push and exports the image already in ECR', async () => {
    const commit = randomBytes(20).toString('hex');
    const first = await build(commit);
    expect(first.status, first.output).toBe(0);
    const again = await build(commit);
    expect(again.status, again.output).toBe(0);
    expect(again.output).toContain(
      `${repositoryUri}:${commit} is in ECR already (${first.exported.IMAGE_DIGEST})`,
    );
    expect(again.docker.filter((line) => !line.startsWith('login '))).toEqual([]);
    expect(again.exported).toEqual(first.exported);
    expect(again.image).toEqual(first.image);
    // the immutable tag is what protects the image: a second push of the commit is refused
    const push = await run(join(bin, 'docker'), ['push', `${repositoryUri}:${commit}`], {
      env: projectEnv({}),
    });
    expect(push.status, push.stderr).not.toBe(0);
    expect(push.stderr).toMatch(/ImageTagAlreadyExists|ImageAlreadyExists/);
    expect(ecrDigest(commit)).toBe(first.exported.IMAGE_DIGEST);
  });

  it('fails the build, without building, when ECR answers with anything but "not found"', async () => {
    const result = await build(randomBytes(20).toString('hex'), `${registry}/no-such-repository-${suffix}`);
    expect(result.status).not.toBe(0);
    expect(result.failedPhase).toBe('build');
    expect(result.stderr).toContain('RepositoryNotFoundException');
    expect(result.docker.filter((line) => !line.startsWith('login '))).toEqual([]);
  });

  it('fails the build, without building or pushing, when ECR throttles or denies the image check', async () => {
    const proxy: FaultProxy = await startFaultProxy(info.aws.endpointUrl);
    try {
      for (const fault of [THROTTLING, ACCESS_DENIED]) {
        proxy.inject('AmazonEC2ContainerRegistry_V20150921.DescribeImages', fault);
        const result = await build(randomBytes(20).toString('hex'), repositoryUri, {
          AWS_ENDPOINT_URL: proxy.endpointUrl,
          AWS_MAX_ATTEMPTS: '1',
        });
        expect(result.status, result.output).not.toBe(0);
        expect(result.failedPhase).toBe('build');
        expect(result.stderr).toContain(fault.code);
        expect(result.docker.filter((line) => !line.startsWith('login '))).toEqual([]);
      }
      expect(proxy.injected).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});
