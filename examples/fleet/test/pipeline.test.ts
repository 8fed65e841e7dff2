// The fleet example's generated pipelines, checked by the tools a reviewer would run: the
// CodePipeline stages `kubeship pipeline` prints are the ones in pipeline.yaml, which passes
// cfn-lint; the CodeBuild batch buildspec it prints is buildspec-batch.yml, valid against the
// project's buildspec schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runMain, tempDir } from '../../../packages/codebuild-runner/test/harness.ts';
import { readYaml, runCfnLint, validateBuildspec } from '../../tools/lint.ts';

afterAll(removeTempDirs);

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

async function generate(format: string): Promise<string> {
  const run = await runMain(['pipeline', '--env', 'prod', '--format', format], { cwd: exampleDir });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

describe('kubeship pipeline on the fleet example', () => {
  it('codepipeline: one stage per wave, one action per cluster; they are pipeline.yaml, which passes cfn-lint', async () => {
    const file = join(tempDir('kubeship-fleet-stages-'), 'stages.yaml');
    writeFileSync(file, await generate('codepipeline'));
    const stages = readYaml(file) as Array<{ Name: string; Actions: Array<{ Name: string }> }>;
    expect(stages.map((s) => [s.Name, s.Actions.map((a) => a.Name)])).toEqual([
      ['Deploy-prod-wave-1', ['eu-west-1']],
      ['Deploy-prod-wave-2', ['us-east-1', 'ap-southeast-2']],
    ]);
    const template = readYaml(join(exampleDir, 'pipeline.yaml')) as {
      Resources: { Pipeline: { Properties: { Stages: unknown[] } } };
    };
    expect(template.Resources.Pipeline.Properties.Stages.slice(1)).toEqual(stages);
    const lint = runCfnLint([join(exampleDir, 'pipeline.yaml')]);
    expect(lint.output).toBe('');
    expect(lint.errors).toHaveLength(0);
  });

  it('keeps the evidence in an encrypted, private, TLS-only bucket that expires it; the deploy role writes only its prefix', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template, read field by field
    const resources = (readYaml(join(exampleDir, 'pipeline.yaml')) as any).Resources;
    expect(resources.EvidenceBucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': ['ArtifactKey', 'Arn'] },
            },
          },
        ],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: expect.any(Number) }] },
    });
    expect(resources.EvidenceBucketPolicy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const statements = resources.DeployRole.Properties.Policies[0].PolicyDocument.Statement;
    const sid = (name: string) => statements.find((s: { Sid: string }) => s.Sid === name);
    expect(sid('UploadTheEvidence')).toMatchObject({
      Action: 's3:PutObject',
      Resource: { 'Fn::Sub': `\${EvidenceBucket.Arn}/shop/prod/*` },
    });
    expect(sid('ArtifactKey').Action).toContain('kms:GenerateDataKey');
    expect(sid('ExplainARefusedRight')).toMatchObject({
      Action: ['eks:DescribeAccessEntry', 'eks:ListAssociatedAccessPolicies'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:eks:*:\${AWS::AccountId}:access-entry/shop-prod/*` },
    });
    const buildspec: string = resources.KubeshipDeployProject.Properties.Source.BuildSpec;
    expect(buildspec).toContain('--evidence-s3 "s3://$EVIDENCE_BUCKET/shop/$KUBESHIP_ENV/$KUBESHIP_CLUSTER"');
    expect(buildspec).toContain('--evidence-kms-key "$EVIDENCE_KMS_KEY"');
  });

  it('codebuild-batch: the buildspec is buildspec-batch.yml, valid against the buildspec schema', async () => {
    const generated = await generate('codebuild-batch');
    expect(generated).toBe(readFileSync(join(exampleDir, 'buildspec-batch.yml'), 'utf8'));
    expect(validateBuildspec(join(exampleDir, 'buildspec-batch.yml'))).toEqual([]);
  });
});
