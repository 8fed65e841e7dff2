import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CODEPIPELINE_LIMITS, codeBuildBatch, codePipelineStages, PipelineLimitError } from './pipeline.ts';

const fleet = { environment: 'prod', waves: [['eu-west-1'], ['us-east-1', 'ap-southeast-2', 'sa-east-1']] };
const where = { projectRef: 'DeployProject', inputArtifact: 'SourceOutput' };

describe('codePipelineStages', () => {
  it('one stage per wave, one CodeBuild action per cluster naming it in KUBESHIP_CLUSTER', () => {
    const stages = parse(codePipelineStages(fleet, where)) as Array<Record<string, any>>;
    expect(stages.map((s) => s.Name)).toEqual(['Deploy-prod-wave-1', 'Deploy-prod-wave-2']);
    expect(stages[1]?.Actions.map((a: { Name: string }) => a.Name)).toEqual([
      'us-east-1',
      'ap-southeast-2',
      'sa-east-1',
    ]);
    const action = stages[0]?.Actions[0];
    expect(action.Configuration.ProjectName).toEqual({ Ref: 'DeployProject' });
    expect(JSON.parse(action.Configuration.EnvironmentVariables)).toEqual([
      { name: 'KUBESHIP_ENV', value: 'prod', type: 'PLAINTEXT' },
      { name: 'KUBESHIP_CLUSTER', value: 'eu-west-1', type: 'PLAINTEXT' },
    ]);
    expect(stages[0]?.OnFailure).toEqual({ Result: 'ROLLBACK' });
  });

  it('maxParallel becomes RunOrder groups; keep fails the stage instead of rolling it back', () => {
    const stages = parse(
      codePipelineStages({ ...fleet, maxParallel: 2, onWaveFailure: 'keep' }, where),
    ) as Array<Record<string, any>>;
    expect(stages[1]?.Actions.map((a: { RunOrder: number }) => a.RunOrder)).toEqual([1, 1, 2]);
    expect(stages[1]?.OnFailure).toEqual({ Result: 'FAIL' });
  });

  it("refuses a wave larger than a stage's action limit, naming the wave", () => {
    const big = Array.from({ length: CODEPIPELINE_LIMITS.actionsPerStage + 1 }, (_, i) => `c${i}`);
    expect(() => codePipelineStages({ environment: 'prod', waves: [['a'], big] }, where)).toThrow(
      new PipelineLimitError(
        'fleet prod: wave 2 has 51 clusters: a CodePipeline stage holds at most 50 actions; split the wave',
      ),
    );
  });
});

describe('codeBuildBatch', () => {
  it('a build per cluster; each wave depends on the whole wave before; maxParallel queues within a wave', () => {
    const spec = parse(codeBuildBatch({ ...fleet, maxParallel: 2 }, { kubeship: 'kubeship' })) as Record<
      string,
      any
    >;
    const graph = spec.batch['build-graph'] as Array<Record<string, any>>;
    expect(graph.map((b) => [b.identifier, b['depend-on'] ?? []])).toEqual([
      ['wave1_eu_west_1', []],
      ['wave2_us_east_1', ['wave1_eu_west_1']],
      ['wave2_ap_southeast_2', ['wave1_eu_west_1']],
      ['wave2_sa_east_1', ['wave1_eu_west_1', 'wave2_us_east_1']],
    ]);
    expect(graph[0]?.env.variables).toEqual({ KUBESHIP_ENV: 'prod', KUBESHIP_CLUSTER: 'eu-west-1' });
    expect(spec.batch['fast-fail']).toBe(true);
    expect(spec.phases.build.commands.join('\n')).toContain(
      'kubeship deploy --env "$KUBESHIP_ENV" --cluster "$KUBESHIP_CLUSTER"',
    );
  });

  it("each build keeps a failed release's evidence: in evidence/<cluster> always, in the bucket when the project sets it", () => {
    const spec = parse(codeBuildBatch(fleet, { kubeship: 'kubeship' })) as Record<string, any>;
    const deploy =
      (spec.phases.build.commands as string[]).find((c) => c.startsWith('kubeship deploy')) ?? '';
    expect(spec.artifacts.files).toContain('evidence/**/*');
    // the arguments a POSIX shell gives kubeship, with the project's variables set and not
    const argv = (env: Record<string, string>) =>
      execFileSync('sh', ['-c', `printf '%s\\n' ${deploy.replace(/^kubeship /, '').replace(/ >.*$/, '')}`], {
        env: { PATH: process.env.PATH, KUBESHIP_ENV: 'prod', KUBESHIP_CLUSTER: 'eu-west-1', ...env },
        encoding: 'utf8',
      })
        .trimEnd()
        .split('\n');
    const bare = argv({});
    expect(bare).toContain('evidence/eu-west-1');
    expect(bare.join(' ')).not.toContain('--evidence-s3');
    expect(bare.join(' ')).not.toContain('--evidence-kms-key');
    const withBucket = argv({
      EVIDENCE_S3: 's3://evidence/shop/prod',
      EVIDENCE_KMS_KEY: 'arn:aws:kms:k',
    }).join(' ');
    expect(withBucket).toContain(
      '--evidence-s3 s3://evidence/shop/prod/eu-west-1 --evidence-kms-key arn:aws:kms:k',
    );
  });
});
