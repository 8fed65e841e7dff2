// The example's infrastructure files, checked by the tools a reviewer would run (cfn-lint, checkov,
// shellcheck, the buildspec schema) and by the rules the README promises (least privilege,
// encryption, approvals before UAT and PROD).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readYaml,
  runCfnLint,
  runCheckov,
  runHadolint,
  shellcheckBuildspecs,
  validateBuildspec,
} from '../../tools/lint.ts';
import { exampleDir, removeTemps } from './_helpers.ts';

afterAll(removeTemps);

const templates = ['cfn/pipeline.yaml', 'cfn/lambda-deploy.yaml'].map((f) => join(exampleDir, f));
const buildspecs = ['buildspec-build.yml', 'buildspec-promote.yml'].map((f) => join(exampleDir, f));

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** Every IAM policy statement of a template (roles' inline policies), with its resource's name; Fn::If branches included. */
function iamStatements(template: Json): Array<{ resource: string; statement: Statement }> {
  const resources = template.Resources as Record<string, { Type: string; Properties: Json }>;
  const found: Array<{ resource: string; statement: Statement }> = [];
  const visit = (resource: string, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(resource, item);
    } else if (value && typeof value === 'object') {
      const object = value as Json;
      if ('Fn::If' in object) {
        const [, yes, no] = object['Fn::If'] as unknown[];
        visit(resource, yes);
        visit(resource, no);
      } else if ('Effect' in object && 'Action' in object) {
        found.push({ resource, statement: object as unknown as Statement });
      }
    }
  };
  for (const [name, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    for (const policy of (resource.Properties.Policies ?? []) as Array<{
      PolicyDocument: { Statement: unknown };
    }>) {
      visit(name, policy.PolicyDocument.Statement);
    }
  }
  return found;
}

describe('CloudFormation templates', () => {
  it('pass cfn-lint with no errors and no warnings', () => {
    const result = runCfnLint(templates);
    expect(result.output).toBe('');
    expect(result.errors).toHaveLength(0);
    expect(result.warnings).toHaveLength(0);
  });

  it('pass checkov: every finding fixed, or suppressed in the template with a reason', () => {
    const result = runCheckov(join(exampleDir, 'cfn'));
    expect(result.parsingErrors).toEqual([]);
    expect(result.failed.map((f) => `${f.checkId} ${f.resource}`)).toEqual([]);
    expect(result.passed).toBeGreaterThan(50);
    for (const skipped of result.skipped) expect(skipped.comment?.length ?? 0).toBeGreaterThan(40);
    expect(result.skipped.map((s) => s.checkId).sort()).toEqual([
      'CKV_AWS_115',
      'CKV_AWS_117',
      'CKV_AWS_18',
      'CKV_AWS_18',
      'CKV_AWS_18',
    ]);
  });

  it('grant no wildcard action and allow "*" resources only for actions that have no resource-level permissions', () => {
    const allowedOnAnyResource = new Set([
      'ecr:GetAuthorizationToken',
      'codepipeline:PutJobSuccessResult',
      'codepipeline:PutJobFailureResult',
    ]);
    for (const file of templates) {
      const statements = iamStatements(readYaml(file) as Json);
      expect(statements.length).toBeGreaterThan(5);
      for (const { resource, statement } of statements) {
        const where = `${file} ${resource} ${statement.Sid ?? ''}`;
        for (const action of list(statement.Action)) {
          expect(action, where).not.toBe('*');
          expect(action.endsWith(':*'), `${where}: ${action}`).toBe(false);
          if (statement.Resource === '*')
            expect(allowedOnAnyResource.has(action), `${where}: ${action} on *`).toBe(true);
        }
      }
    }
  });

  it('encrypt the artifacts, images, logs and approval topic with the pipeline key, and keep the bucket private and TLS-only', () => {
    const template = readYaml(templates[0] as string) as Json;
    const resources = template.Resources as Record<string, { Type: string; Properties: Json }>;
    const byType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
    const bucket = resources.ArtifactBucket?.Properties as Json;
    expect(JSON.stringify(bucket.BucketEncryption)).toContain('aws:kms');
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(resources.ArtifactBucketPolicy?.Properties)).toContain(
      '"aws:SecureTransport":"false"',
    );
    expect(resources.ApprovalTopic?.Properties.KmsMasterKeyId).toEqual({ Ref: 'PipelineKey' });
    for (const group of byType('AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBeDefined();
      expect(group.Properties.KmsKeyId).toBeDefined();
    }
    const pipeline = resources.Pipeline?.Properties as Json;
    expect(JSON.stringify(pipeline.ArtifactStore)).toContain('"Type":"KMS"');
  });

  it('build a V2 pipeline: GitHub through CodeConnections, triggered by main and v* tags, approvals before UAT and PROD', () => {
    const template = readYaml(templates[0] as string) as Json;
    const parameters = template.Parameters as Record<string, Json>;
    for (const name of ['ConnectionArn', 'DevClusterName', 'UatClusterName', 'ProdClusterName']) {
      expect(parameters[name], name).toBeDefined();
    }
    const pipeline = (template.Resources as Record<string, { Properties: Json }>).Pipeline
      ?.Properties as Json;
    expect(pipeline.PipelineType).toBe('V2');
    const [trigger] = pipeline.Triggers as Array<{ ProviderType: string; GitConfiguration: Json }>;
    expect(trigger?.ProviderType).toBe('CodeStarSourceConnection');
    expect(trigger?.GitConfiguration.Push).toEqual([
      { Branches: { Includes: [{ Ref: 'BranchName' }] } },
      { Tags: { Includes: [{ Ref: 'ReleaseTagPattern' }] } },
    ]);
    expect(parameters.BranchName?.Default).toBe('main');
    expect(parameters.ReleaseTagPattern?.Default).toBe('v*');

    const stages = pipeline.Stages as Array<{ Name: string; Actions: Json[] }>;
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'DEV', 'UAT', 'PROD']);
    const source = stages[0]?.Actions[0] as Json;
    expect((source.ActionTypeId as Json).Provider).toBe('CodeStarSourceConnection');
    expect((source.Configuration as Json).ConnectionArn).toEqual({ Ref: 'ConnectionArn' });
    for (const stage of stages.slice(3)) {
      const [approve, promote] = stage.Actions as Array<{
        ActionTypeId: Json;
        Configuration: Json;
        RunOrder: number;
      }>;
      expect(approve?.ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
      expect(approve?.Configuration.NotificationArn).toEqual({ Ref: 'ApprovalTopic' });
      expect(promote?.ActionTypeId).toMatchObject({ Category: 'Build', Provider: 'CodeBuild' });
      expect(promote?.RunOrder).toBeGreaterThan(approve?.RunOrder ?? Number.POSITIVE_INFINITY);
    }
    // DEV: the Lambda invoke action when DevDeployFunctionName is set, else CodeBuild; both get the build's image.
    const dev = JSON.stringify(stages[2]?.Actions);
    expect(dev).toContain('"Provider":"Lambda"');
    expect(dev).toContain('"Provider":"CodeBuild"');
    expect(dev.match(/#\{BuildVariables\.IMAGE_URI\}/g)).toHaveLength(2);
  });

  it('keep the evidence in an encrypted, private, TLS-only bucket that expires it', () => {
    const resources = (readYaml(templates[0] as string) as Json).Resources as Record<
      string,
      { Properties: Json }
    >;
    expect(resources.EvidenceBucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': ['PipelineKey', 'Arn'] },
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
    expect(resources.EvidenceBucketPolicy?.Properties.PolicyDocument).toMatchObject({
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [{ 'Fn::GetAtt': ['EvidenceBucket', 'Arn'] }, { 'Fn::Sub': `\${EvidenceBucket.Arn}/*` }],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  it("let each deploy role upload evidence under its environment's prefix and read its own cluster's access entries", () => {
    const template = readYaml(templates[0] as string) as Json;
    const resources = template.Resources as Record<string, { Properties: Json }>;
    const statements = iamStatements(template);
    for (const [env, cluster] of [
      ['Dev', 'DevClusterName'],
      ['Uat', 'UatClusterName'],
      ['Prod', 'ProdClusterName'],
    ] as const) {
      const role = `Deploy${env}Role`;
      const sid = (name: string) =>
        statements.find((s) => s.resource === role && s.statement.Sid === name)?.statement;
      expect(sid('Evidence')).toMatchObject({
        Action: 's3:PutObject',
        Resource: { 'Fn::Sub': `\${EvidenceBucket.Arn}/java-war/${env.toLowerCase()}/*` },
      });
      expect(sid('PipelineKey')?.Action).toContain('kms:GenerateDataKey*');
      expect(sid('ExplainARefusedRight')).toMatchObject({
        Action: ['eks:DescribeAccessEntry', 'eks:ListAssociatedAccessPolicies'],
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:access-entry/\${${cluster}}/*`,
        },
      });
      const project = resources[`Deploy${env}Project`]?.Properties as Json;
      expect((project.Environment as Json).EnvironmentVariables).toContainEqual({
        Name: 'EVIDENCE_S3',
        Value: { 'Fn::Sub': `s3://\${EvidenceBucket}/java-war/${env.toLowerCase()}` },
      });
      expect((project.SecondaryArtifacts as Json[])[0]).toMatchObject({
        ArtifactIdentifier: 'evidence',
        Location: { Ref: 'EvidenceBucket' },
      });
    }
  });

  it('give each deploy role an access entry with namespace-scoped access policies', () => {
    const resources = (readYaml(templates[0] as string) as Json).Resources as Record<
      string,
      { Type: string; Properties: Json }
    >;
    const entries = Object.values(resources).filter((r) => r.Type === 'AWS::EKS::AccessEntry');
    expect(entries.length).toBe(5);
    for (const entry of entries) {
      const policies = JSON.stringify(entry.Properties.AccessPolicies);
      expect(policies).toContain('"Type":"namespace"');
      expect(policies).not.toContain('"Type":"cluster"');
      expect(policies).not.toContain('ClusterAdmin');
    }
  });

  it('run the Lambda on Node.js 22 with its role, log group, access entry, and in a VPC its own way to the cluster', () => {
    const resources = (readYaml(templates[1] as string) as Json).Resources as Record<
      string,
      { Type: string; Properties: Json; Condition?: string }
    >;
    const types = Object.values(resources).map((r) => r.Type);
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::IAM::Role',
      'AWS::Logs::LogGroup',
      'AWS::EKS::AccessEntry',
    ]) {
      expect(types).toContain(type);
    }
    expect(resources.Function?.Properties.Runtime).toBe('nodejs22.x');
    expect(resources.Function?.Properties.Handler).toBe('index.handler');
    // new accounts often cannot reserve concurrency; the deploy lease serialises deploys instead
    expect(resources.Function?.Properties.ReservedConcurrentExecutions).toBeUndefined();
    // job results can only be reported in the pipeline's own account: no cross-account invoke path
    expect(types).not.toContain('AWS::Lambda::Permission');
    // in a VPC, the function's security group is admitted by the cluster's on 443
    expect(resources.FunctionToClusterApi?.Properties).toMatchObject({
      GroupId: { Ref: 'ClusterSecurityGroupId' },
      FromPort: 443,
      SourceSecurityGroupId: { Ref: 'FunctionSecurityGroup' },
    });
    expect(JSON.stringify(resources.Function?.Properties.VpcConfig)).toContain('FunctionSecurityGroup');
    // a failed release's evidence goes to the stack's own bucket, under the environment's prefix only
    expect(resources.EvidenceBucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': ['FunctionKey', 'Arn'] },
            },
          },
        ],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: { BlockPublicPolicy: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: expect.any(Number) }] },
    });
    expect(JSON.stringify(resources.EvidenceBucketPolicy?.Properties)).toContain(
      '"aws:SecureTransport":"false"',
    );
    const evidence = iamStatements(readYaml(templates[1] as string) as Json).find(
      (s) => s.resource === 'FunctionRole' && s.statement.Sid === 'Evidence',
    )?.statement;
    expect(evidence).toMatchObject({
      Action: 's3:PutObject',
      Resource: { 'Fn::Sub': `\${EvidenceBucket.Arn}/java-war/\${EnvironmentName}/*` },
    });
    // the function may read its cluster's access entries, so a refused access review says why
    expect(
      iamStatements(readYaml(templates[1] as string) as Json).find(
        (s) => s.resource === 'FunctionRole' && s.statement.Sid === 'ExplainARefusedRight',
      )?.statement,
    ).toMatchObject({
      Action: ['eks:DescribeAccessEntry', 'eks:ListAssociatedAccessPolicies'],
      Resource: {
        'Fn::Sub': `arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:access-entry/\${ClusterName}/*`,
      },
    });
    expect(
      ((resources.Function as { Properties: Json }).Properties.Environment as Json).Variables,
    ).toMatchObject({
      EVIDENCE_S3: { 'Fn::Sub': `s3://\${EvidenceBucket}/java-war/\${EnvironmentName}` },
      EVIDENCE_KMS_KEY: { 'Fn::GetAtt': ['FunctionKey', 'Arn'] },
    });
  });

  it('run each deploy project in its own cluster’s VPC when asked, admitted to that control plane only', () => {
    const resources = (readYaml(templates[0] as string) as Json).Resources as Record<
      string,
      { Properties: Json; Condition?: string }
    >;
    const network = { Nonprod: ['DeployDevProject', 'DeployUatProject'], Prod: ['DeployProdProject'] };
    for (const [cluster, projects] of Object.entries(network)) {
      for (const name of projects) {
        expect(resources[name]?.Properties.VpcConfig, name).toEqual({
          'Fn::If': [
            `${cluster}InVpc`,
            {
              VpcId: { Ref: `${cluster}VpcId` },
              Subnets: { Ref: `${cluster}SubnetIds` },
              SecurityGroupIds: [{ Ref: `${cluster}DeploySecurityGroup` }],
            },
            { Ref: 'AWS::NoValue' },
          ],
        });
      }
      // the project's security group lives in the project's VPC, and the rule names a group of that VPC
      expect(resources[`${cluster}DeploySecurityGroup`]?.Properties.VpcId).toEqual({
        Ref: `${cluster}VpcId`,
      });
      expect(resources[`DeployTo${cluster}Api`]?.Properties).toMatchObject({
        GroupId: { Ref: `${cluster}ApiSecurityGroupId` },
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { Ref: `${cluster}DeploySecurityGroup` },
      });
    }
  });

  it('use only Ref and rule functions inside Rules (CloudFormation allows nothing else there)', () => {
    const ruleFunctions = new Set([
      'Ref',
      'Fn::And',
      'Fn::Contains',
      'Fn::EachMemberEquals',
      'Fn::EachMemberIn',
      'Fn::Equals',
      'Fn::Not',
      'Fn::Or',
      'Fn::RefAll',
      'Fn::ValueOf',
      'Fn::ValueOfAll',
    ]);
    for (const file of templates) {
      const rules = ((readYaml(file) as Json).Rules ?? {}) as Record<
        string,
        { RuleCondition?: unknown; Assertions?: { Assert: unknown }[] }
      >;
      const used: string[] = [];
      const walk = (value: unknown) => {
        if (Array.isArray(value)) for (const item of value) walk(item);
        else if (value && typeof value === 'object')
          for (const [key, child] of Object.entries(value)) {
            if (key === 'Ref' || key.startsWith('Fn::')) used.push(key);
            walk(child);
          }
      };
      for (const rule of Object.values(rules)) {
        walk(rule.RuleCondition);
        for (const assertion of rule.Assertions ?? []) walk(assertion.Assert);
      }
      expect(
        used.filter((f) => !ruleFunctions.has(f)),
        file,
      ).toEqual([]);
    }
  });

  it('pass the approved digest to each promotion', () => {
    const resources = (readYaml(templates[0] as string) as Json).Resources as Record<
      string,
      { Properties: Json }
    >;
    const stages = resources.Pipeline?.Properties.Stages as Array<{ Name: string; Actions: Json[] }>;
    const promote = (stage: string) =>
      stages.find((s) => s.Name === stage)?.Actions.find((a) => a.Name === 'Promote') as {
        Configuration: { EnvironmentVariables: string };
      };
    expect(promote('UAT').Configuration.EnvironmentVariables).toContain(
      '"#{DevVariables.KUBESHIP_IMAGE_DIGEST}"',
    );
    expect(promote('PROD').Configuration.EnvironmentVariables).toContain(
      '"#{UatVariables.KUBESHIP_IMAGE_DIGEST}"',
    );
  });
});

describe('buildspecs', () => {
  it('are valid CodeBuild buildspecs (schema)', () => {
    for (const file of buildspecs) expect(validateBuildspec(file), file).toEqual([]);
  });

  it('pass shellcheck, as the scripts CodeBuild runs from them', () => {
    const result = shellcheckBuildspecs(buildspecs);
    expect(result.problems, result.output).toEqual([]);
  });

  it('build: mvn verify with JUnit reports, the Maven cache, a commit-tagged image, its digest exported', () => {
    const spec = readYaml(buildspecs[0] as string) as Json;
    const text = JSON.stringify(spec);
    expect(text).toContain('mvn -B -ntp -f app/pom.xml');
    expect(text).toContain('verify');
    expect(text).toContain('IMAGE_TAG=\\"$' + '{CODEBUILD_RESOLVED_SOURCE_VERSION:0:7}');
    expect(text).toContain('aws ecr get-login-password');
    expect((spec.env as Json)['exported-variables']).toEqual(['IMAGE_TAG', 'IMAGE_DIGEST', 'IMAGE_URI']);
    expect(spec.reports).toEqual({
      'unit-tests': {
        files: ['surefire-reports/TEST-*.xml', 'failsafe-reports/TEST-*.xml'],
        'base-directory': 'app/target',
        'file-format': 'JUNITXML',
      },
    });
    expect(spec.cache).toEqual({ paths: ['/root/.m2/**/*'] });
  });

  it('promote: deploy for DEV, promote the approved digest after that, the CLI pinned or a checked bundle, a JUnit report and exported results', () => {
    const spec = readYaml(buildspecs[1] as string) as Json;
    const text = JSON.stringify(spec);
    expect(((spec.env as Json).variables as Json).KUBESHIP_PACKAGE).toMatch(
      /^@kubeship\/codebuild-runner@\d+\.\d+\.\d+$/,
    );
    expect(text).toContain('sha256sum --check --strict');
    const raw = readFileSync(buildspecs[1] as string, 'utf8');
    const kubeship = '"$' + '{kubeship[@]}"';
    expect(raw).toContain('kubeship=(npx -y "$KUBESHIP_PACKAGE")');
    expect(raw).toContain(`${kubeship} deploy --env "$TARGET_ENV" --image "$IMAGE_URI"`);
    expect(raw).toContain(
      `${kubeship} promote --from "$FROM_ENV" --to "$TARGET_ENV" --expect-digest "$EXPECT_DIGEST"`,
    );
    expect(spec.reports).toEqual({
      'deploy-verification': { files: ['kubeship-junit.xml'], 'file-format': 'JUNITXML' },
    });
    expect((spec.env as Json)['exported-variables']).toEqual(
      expect.arrayContaining(['KUBESHIP_IMAGE_DIGEST', 'KUBESHIP_RELEASE', 'KUBESHIP_DEPLOYMENT_REVISION']),
    );
    expect((spec.env as Json)['exported-variables']).not.toContain('KUBESHIP_REVISION');
    expect(raw).toContain('evidence=(--evidence evidence --evidence-s3 "$' + '{EVIDENCE_S3:?');
    expect(raw).toContain('--evidence-kms-key "$' + '{EVIDENCE_KMS_KEY:?');
    expect(raw.match(/--exports kubeship\.env "\$\{evidence\[@\]\}"/g)).toHaveLength(2);
    expect(((spec.artifacts as Json)['secondary-artifacts'] as Json).evidence).toEqual({
      files: ['**/*'],
      'base-directory': 'evidence',
    });
  });
});

describe('Dockerfile', () => {
  it('passes hadolint, and ships the WAR mvn verify tested when the build says so (WAR_SOURCE=context, its sha256)', () => {
    const file = join(exampleDir, 'Dockerfile');
    const result = runHadolint([file]);
    expect(result.problems, result.output).toEqual([]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('COPY app/target/java-war.war /build/target/java-war.war');
    expect(text).toMatch(/^FROM war-\$\{WAR_SOURCE\} AS war$/m);
    expect(text).toContain('sha256sum --check --strict');
    expect(readFileSync(join(exampleDir, '.dockerignore'), 'utf8')).toContain('!app/target/java-war.war');
  });
});

describe('README', () => {
  it('puts no SecureString value on a command line (ps, shell history)', () => {
    const readme = readFileSync(join(exampleDir, 'README.md'), 'utf8');
    const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string).join('\n');
    for (const line of commands.split('\n').filter((l) => l.includes('SecureString')))
      expect(line, line).not.toMatch(/--value/);
    expect(commands).toContain('--cli-input-json file:///dev/stdin');
  });
});
