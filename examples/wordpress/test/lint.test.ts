// Static proof of the example's files: cfn-lint and checkov on the CloudFormation, shellcheck on
// every script, hadolint on the Dockerfile, both buildspecs against our buildspec schema, and
// the rules the issue sets that no linter knows (least privilege, pipeline shape, access scope).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkEksVersionDefaults,
  readYaml,
  readYamlDocuments,
  runCfnLint,
  runCheckov,
  runHadolint,
  runShellcheck,
  shellcheckBuildspecs,
  validateBuildspec,
} from '../../tools/lint.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const at = (...path: string[]) => join(example, ...path);

/** Every file under `dir` whose name passes `keep`, skipping node_modules. */
function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

const templates = files(at('cfn'), (name) => name.endsWith('.yaml'));
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates, walked generically
type Json = any;

/** Every IAM policy statement of a template: inline role policies, managed policies, key and bucket policies. */
function statements(template: Json): Array<{ resource: string; statement: Json }> {
  const found: Array<{ resource: string; statement: Json }> = [];
  const walk = (value: Json, resource: string) => {
    if (Array.isArray(value)) for (const item of value) walk(item, resource);
    else if (value && typeof value === 'object') {
      if ('Effect' in value && ('Action' in value || 'NotAction' in value))
        found.push({ resource, statement: value });
      else if ('Fn::If' in value) walk((value['Fn::If'] as Json[]).slice(1), resource);
      else for (const child of Object.values(value)) walk(child, resource);
    }
  };
  for (const [name, resource] of Object.entries(template.Resources as Record<string, Json>)) {
    walk(resource.Properties ?? {}, name);
  }
  return found;
}

const list = (value: Json): Json[] => (Array.isArray(value) ? value : [value]);

describe('CloudFormation', () => {
  it('has the three stacks the issue asks for', () => {
    expect(templates.map((t) => relative(at('cfn'), t)).sort()).toEqual([
      'cluster.yaml',
      'data.yaml',
      'pipeline.yaml',
    ]);
  });

  it('passes cfn-lint with 0 errors and 0 warnings', () => {
    const result = runCfnLint(templates);
    expect(result.errors, result.output).toEqual([]);
    expect(result.warnings, result.output).toEqual([]);
  });

  it('creates clusters in EKS standard support (today, by the one support calendar) with UpgradePolicy STANDARD', () => {
    expect(checkEksVersionDefaults(templates)).toEqual([]);
  });

  it('the version lint fails on a default past standard support (1.34 on 2026-12-07) and passes on 1.35', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wordpress-eks-'));
    try {
      const cluster = readFileSync(at('cfn', 'cluster.yaml'), 'utf8');
      const withDefault = (version: string) => {
        const file = join(dir, `cluster-${version}.yaml`);
        writeFileSync(
          file,
          cluster.replace(/(KubernetesVersion:\n\s+Type: String\n\s+Default: )"[\d.]+"/, `$1"${version}"`),
        );
        return checkEksVersionDefaults([file], new Date('2026-12-07T00:00:00Z'));
      };
      expect(withDefault('1.34')).toEqual([
        expect.stringMatching(
          /Cluster: the default Kubernetes 1\.34 left EKS standard support on 2026-12-02/,
        ),
      ]);
      expect(withDefault('1.35')).toEqual([]);
      expect(withDefault('1.29')).toEqual([
        expect.stringMatching(/1\.29 is not in .*eks-support-calendar\.json/),
      ]);
      const extended = join(dir, 'extended.yaml');
      writeFileSync(
        extended,
        cluster.replace(
          'UpgradePolicy: { SupportType: STANDARD }',
          'UpgradePolicy: { SupportType: EXTENDED }',
        ),
      );
      expect(checkEksVersionDefaults([extended], new Date('2026-12-07T00:00:00Z'))).toEqual([
        expect.stringMatching(/UpgradePolicy\.SupportType must be STANDARD/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("passes checkov's CloudFormation checks; each suppression is in the template with a reason", () => {
    const result = runCheckov(at('cfn'));
    expect(result.parsingErrors, result.output).toEqual([]);
    expect(result.failed, result.output).toEqual([]);
    expect(result.passed).toBeGreaterThan(100);
    for (const skipped of result.skipped)
      expect(skipped.comment ?? '', skipped.checkId).toMatch(/\w{3,}.{20,}/);
    expect(result.skipped.map((s) => s.checkId).sort()).toEqual(['CKV_AWS_157', 'CKV_AWS_18', 'CKV_AWS_18']);
  });

  it('grants no "*" action on "*" resource, and every wildcard resource only to read-only or unscopable actions', () => {
    const unscopable = new Set([
      'ecr:GetAuthorizationToken',
      'ec2:DescribeDhcpOptions',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVpcs',
      'ec2:GetSecurityGroupsForVpc',
    ]);
    const problems: string[] = [];
    for (const file of templates) {
      const template = readYaml(file) as Json;
      for (const { resource, statement } of statements(template)) {
        const actions = list(statement.Action ?? []).map(String);
        const resources = list(statement.Resource ?? []);
        const where = `${relative(example, file)} ${resource} ${statement.Sid ?? ''}`;
        if (statement.NotAction) problems.push(`${where}: NotAction`);
        if (statement.Effect !== 'Allow' || !resources.includes('*')) continue;
        if (actions.includes('*')) problems.push(`${where}: "*" on "*"`);
        // Key policies: "*" there means the key itself; only the account root may administer it.
        if (template.Resources[resource].Type === 'AWS::KMS::Key') {
          const principal = statement.Principal;
          const isRoot = JSON.stringify(principal).includes(':root');
          if (actions.includes('kms:*') && !isRoot)
            problems.push(`${where}: kms:* for ${JSON.stringify(principal)}`);
          continue;
        }
        for (const action of actions) {
          const verb = action.split(':')[1] ?? '';
          if (!/^(Describe|List|Get)/.test(verb) && !unscopable.has(action)) {
            problems.push(`${where}: ${action} on "*"`);
          }
          if (verb.includes('*')) problems.push(`${where}: wildcard action ${action} on "*"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs the pipeline as V2 in QUEUED mode: Source, Build, DeployTest, Approve (SNS), DeployProd', () => {
    const pipeline = (readYaml(at('cfn', 'pipeline.yaml')) as Json).Resources.Pipeline.Properties;
    expect(pipeline.PipelineType).toBe('V2');
    expect(pipeline.ExecutionMode).toBe('QUEUED');
    expect(pipeline.Stages.map((s: Json) => s.Name)).toEqual([
      'Source',
      'Build',
      'DeployTest',
      'Approve',
      'DeployProd',
    ]);
    const approval = pipeline.Stages[3].Actions[0];
    expect(approval.ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
    expect(approval.Configuration.NotificationArn).toEqual({ Ref: 'ApprovalTopic' });
    for (const stage of [pipeline.Stages[2], pipeline.Stages[4]]) {
      expect(stage.Actions[0].Configuration.EnvironmentVariables).toContain('#{BuildVariables.IMAGE_URI}');
    }
  });

  it('gives each deploy role an access entry scoped to the namespace deploy/namespace.yaml creates', () => {
    const resources = (readYaml(at('cfn', 'pipeline.yaml')) as Json).Resources;
    const namespace = (readYamlDocuments(at('deploy', 'namespace.yaml')) as Json[]).find(
      (d) => d.kind === 'Namespace',
    );
    const binding = (readYamlDocuments(at('deploy', 'namespace.yaml')) as Json[]).find(
      (d) => d.kind === 'RoleBinding',
    );
    for (const name of ['DeployTestAccess', 'DeployProdAccess']) {
      const entry = resources[name].Properties;
      expect(entry.AccessPolicies).toHaveLength(1);
      expect(entry.AccessPolicies[0].AccessScope).toEqual({
        Type: 'namespace',
        Namespaces: [namespace.metadata.name],
      });
      expect(entry.KubernetesGroups).toEqual([binding.subjects[0].name]);
    }
  });

  it('keeps the evidence in an encrypted, private, TLS-only bucket that expires it', () => {
    const resources = (readYaml(at('cfn', 'pipeline.yaml')) as Json).Resources;
    expect(resources.EvidenceBucket.Properties).toMatchObject({
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
    });
    expect(resources.EvidenceBucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
      Status: 'Enabled',
      ExpirationInDays: expect.any(Number),
    });
    expect(resources.EvidenceBucketPolicy.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'TlsOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [{ 'Fn::GetAtt': ['EvidenceBucket', 'Arn'] }, { 'Fn::Sub': `\${EvidenceBucket.Arn}/*` }],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it("lets each deploy role upload evidence under its own prefix and read its own cluster's access entries", () => {
    const resources = (readYaml(at('cfn', 'pipeline.yaml')) as Json).Resources;
    for (const [role, project, env] of [
      ['DeployTestRole', 'DeployTestProject', 'test'],
      ['DeployProdRole', 'DeployProdProject', 'prod'],
    ] as const) {
      const sids = Object.fromEntries(
        statements({ Resources: { [role]: resources[role] } }).map(({ statement }) => [
          statement.Sid,
          statement,
        ]),
      );
      expect(sids.UploadTheEvidence).toMatchObject({
        Action: 's3:PutObject',
        Resource: { 'Fn::Sub': `\${EvidenceBucket.Arn}/wordpress/${env}/*` },
      });
      expect(sids.EncryptTheEvidence).toMatchObject({
        Action: 'kms:GenerateDataKey',
        Resource: { 'Fn::GetAtt': ['PipelineKey', 'Arn'] },
      });
      expect(sids.ExplainARefusedRight).toMatchObject({
        Action: ['eks:DescribeAccessEntry', 'eks:ListAssociatedAccessPolicies'],
        Resource: {
          'Fn::Sub': [
            `arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:access-entry/\${Cluster}/*`,
            { Cluster: { 'Fn::ImportValue': `wordpress-${env}-ClusterName` } },
          ],
        },
      });
      const variables = resources[project].Properties.Environment.EnvironmentVariables;
      expect(variables).toContainEqual({ Name: 'EVIDENCE_BUCKET', Value: { Ref: 'EvidenceBucket' } });
      expect(resources[project].Properties.SecondaryArtifacts[0]).toMatchObject({
        ArtifactIdentifier: 'evidence',
        Location: { Ref: 'EvidenceBucket' },
        Path: `wordpress/${env}/builds`,
      });
    }
  });

  it('checks prod with the prod project before the approval', () => {
    const stages = (readYaml(at('cfn', 'pipeline.yaml')) as Json).Resources.Pipeline.Properties.Stages;
    const check = stages
      .find((s: Json) => s.Name === 'DeployTest')
      .Actions.find((a: Json) => a.Name === 'CheckProd');
    expect(check.Configuration.ProjectName).toEqual({ Ref: 'DeployProdProject' });
    expect(JSON.parse(check.Configuration.EnvironmentVariables)).toContainEqual({
      name: 'KUBESHIP_COMMAND',
      value: 'check',
      type: 'PLAINTEXT',
    });
  });

  it('never expires an image an environment ran: deployed-<env>- prefix rules come before the count rule', () => {
    const repository = (readYaml(at('cfn', 'pipeline.yaml')) as Json).Resources.Repository.Properties;
    expect(repository.ImageTagMutability).toBe('IMMUTABLE');
    const rules = JSON.parse(repository.LifecyclePolicy.LifecyclePolicyText).rules as Json[];
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2, 3, 4]);
    expect(rules.slice(0, 2).map((r) => r.selection)).toEqual([
      expect.objectContaining({ tagStatus: 'tagged', tagPrefixList: ['deployed-prod-'] }),
      expect.objectContaining({ tagStatus: 'tagged', tagPrefixList: ['deployed-test-'] }),
    ]);
    expect(rules.at(-1).selection.tagStatus).toBe('any');
    // the tag the deploy adds is the one the rules keep
    const deploy = readFileSync(at('deploy', 'buildspec.yml'), 'utf8');
    expect(deploy).toContain('release_tag="deployed-$DEPLOY_ENV-$source_tag"');
  });

  it('pins the Load Balancer Controller chart to the version its IAM policy was written for', () => {
    const cluster = readFileSync(at('cfn', 'cluster.yaml'), 'utf8');
    const pinned = /pinned: chart (\d+\.\d+\.\d+) of/.exec(cluster)?.[1];
    expect(pinned).toBeDefined();
    const readme = readFileSync(at('README.md'), 'utf8');
    const installs =
      readme.match(/helm upgrade --install aws-load-balancer-controller[^\n]*(\n\s+[^\n]*)*/g) ?? [];
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toContain(`--version ${pinned}`);
  });

  it('lets the deploy projects reach the EKS API only: a security group on the control plane, not the nodes', () => {
    const cluster = readYaml(at('cfn', 'cluster.yaml')) as Json;
    expect(cluster.Resources.Cluster.Properties.ResourcesVpcConfig.SecurityGroupIds).toEqual([
      { Ref: 'ApiSecurityGroup' },
    ]);
    // the cluster security group (on the nodes too) gets no rule from the deploy projects
    const pipeline = readYaml(at('cfn', 'pipeline.yaml')) as Json;
    for (const env of ['Test', 'Prod']) {
      expect(pipeline.Resources[`Deploy${env}ToClusterApi`].Properties).toMatchObject({
        GroupId: { 'Fn::ImportValue': `wordpress-${env.toLowerCase()}-ApiSecurityGroupId` },
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { Ref: `Deploy${env}SecurityGroup` },
      });
    }
    expect(JSON.stringify(pipeline)).not.toContain('ClusterSecurityGroupId');
  });

  it('keeps the data private and encrypted', () => {
    const resources = (readYaml(at('cfn', 'data.yaml')) as Json).Resources;
    expect(resources.Database.Properties).toMatchObject({
      StorageEncrypted: true,
      PubliclyAccessible: false,
      ManageMasterUserPassword: true,
      DeletionProtection: { 'Fn::If': ['IsProd', true, false] },
    });
    expect(resources.Database.Properties.MasterUserPassword).toBeUndefined();
    const cluster = (readYaml(at('cfn', 'cluster.yaml')) as Json).Resources.Cluster.Properties;
    expect(cluster.AccessConfig.AuthenticationMode).toBe('API');
    expect(cluster.EncryptionConfig[0].Resources).toEqual(['secrets']);
  });
});

describe('scripts, Dockerfile and buildspecs', () => {
  it('has shellcheck-clean shell scripts (every level, style included)', () => {
    const scripts = files(example, (name) => name.endsWith('.sh'));
    expect(scripts.map((s) => relative(example, s)).sort()).toEqual([
      'build/docker-entrypoint.sh',
      'scripts/db-user.sh',
      'scripts/put-parameters.sh',
    ]);
    const result = runShellcheck(scripts);
    expect(result.problems, result.output).toEqual([]);
  });

  it('has a hadolint-clean Dockerfile on the pinned official image, running as uid 33 on 8080', () => {
    const result = runHadolint([at('build', 'Dockerfile')]);
    expect(result.problems, result.output).toEqual([]);
  });

  it('has buildspecs whose commands pass shellcheck, as the scripts CodeBuild runs from them', () => {
    const result = shellcheckBuildspecs([at('build', 'buildspec.yml'), at('deploy', 'buildspec.yml')]);
    expect(result.problems, result.output).toEqual([]);
  });

  it('has buildspecs that are valid against the buildspec 0.2 schema', () => {
    expect(validateBuildspec(at('build', 'buildspec.yml'))).toEqual([]);
    expect(validateBuildspec(at('deploy', 'buildspec.yml'))).toEqual([]);
  });

  it('deploys with the pinned CLI or the checksum-verified bundle, reports JUnit and exports what the pipeline reads', () => {
    const deploy = readYaml(at('deploy', 'buildspec.yml')) as Json;
    expect(deploy.env.variables.KUBESHIP_PACKAGE).toMatch(/^@kubeship\/codebuild-runner@\d+\.\d+\.\d+$/);
    const choose: string = deploy.phases.pre_build.commands.find((c: string) =>
      c.includes('KUBESHIP_BUNDLE'),
    );
    expect(choose).toContain('sha256sum --check --strict');
    expect(choose).toContain('KUBESHIP="npx -y $KUBESHIP_PACKAGE"');
    expect(deploy.phases.build.commands).toHaveLength(1);
    const [run] = deploy.phases.build.commands as string[];
    expect(run).toMatch(
      /\$KUBESHIP deploy --env "\$DEPLOY_ENV" --image "\$IMAGE_URI" --report-junit .*reports\/deploy\.xml" --exports .*kubeship\.env"/,
    );
    expect(run).toContain('--evidence "$CODEBUILD_SRC_DIR/evidence"');
    expect(run).toMatch(/--evidence-s3 "s3:\/\/\$\{EVIDENCE_BUCKET:\?[^}]*\}\/wordpress\/\$DEPLOY_ENV"/);
    expect(run).toMatch(/--evidence-kms-key "\$\{EVIDENCE_KMS_KEY:\?[^}]*\}"/);
    expect(run).toContain('$KUBESHIP check --env "$DEPLOY_ENV" --image "$IMAGE_URI"');
    expect(deploy.artifacts['secondary-artifacts'].evidence).toEqual({
      files: ['**/*'],
      'base-directory': 'evidence',
    });
    expect(deploy.reports['kubeship-deploy']).toMatchObject({
      'file-format': 'JUNITXML',
      'base-directory': 'reports',
    });
    expect(deploy.env['exported-variables']).toEqual(
      expect.arrayContaining([
        'KUBESHIP_IMAGE',
        'KUBESHIP_OUTCOME',
        'KUBESHIP_RELEASE',
        'KUBESHIP_DEPLOYMENT_REVISION',
        'KUBESHIP_EVIDENCE_URL',
      ]),
    );
    expect(deploy.env['exported-variables']).not.toContain('KUBESHIP_REVISION');
    const build = readYaml(at('build', 'buildspec.yml')) as Json;
    expect(build.env['exported-variables']).toEqual(expect.arrayContaining(['IMAGE_URI', 'IMAGE_DIGEST']));
    expect(build.artifacts.files).toEqual(['imagedefinitions.json', 'image.json']);
  });
});

describe('the buildspec schema', () => {
  const broken = (name: string) => at('test', 'fixtures', 'buildspecs', name);

  it.each([
    ['post-build.yml', "'post-build' was unexpected"],
    ['command-map.yml', 'is not of type'],
    ['report-format.yml', 'is not one of'],
    ['runtime-in-build.yml', "'runtime-versions' was unexpected"],
    ['no-version.yml', "'version' is a required property"],
    ['exported-name.yml', 'does not match'],
  ])('rejects %s (%s)', (file, message) => {
    const problems = validateBuildspec(broken(file));
    expect(problems.join('\n')).toContain(message);
  });
});

describe('README', () => {
  const readme = readFileSync(at('README.md'), 'utf8');
  const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string).join('\n');

  it('tells how to turn on the prod alarm gate (ProdLoadBalancerName) and that the canary is 1 pod of 4', () => {
    expect(commands).toMatch(/--parameter-overrides ProdLoadBalancerName=/);
    expect(readme).toMatch(/about 25% of the requests, not 10%/);
  });

  it('puts no secret on a command line and no install key in a URL', () => {
    expect(commands).not.toMatch(/put-parameter[^\n]*--value[^\n]*(PASSWORD|KEY|openssl|\$\()/);
    expect(readme).not.toContain('kubeship_install_key=');
  });
});
