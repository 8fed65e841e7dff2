// Pure: a fleet as a pipeline the build engine runs, instead of one build job: CodePipeline V2
// stages (one per wave, one CodeBuild action per cluster) or a CodeBuild batch build graph.
import { stringify } from 'yaml';

/** The fleet facts a pipeline is generated from. */
export interface PipelineFleet {
  /** The environment's name (what `--env` takes). */
  readonly environment: string;
  readonly waves: ReadonlyArray<readonly string[]>;
  readonly maxParallel?: number | undefined;
  readonly onWaveFailure?: 'rollback' | 'keep' | undefined;
}

/**
 * CodePipeline's limits the stages respect (AWS CodePipeline quotas): at most 50 actions in a
 * stage, 50 stages in a pipeline (one of them the source stage), RunOrder 1-999.
 */
export const CODEPIPELINE_LIMITS = { actionsPerStage: 50, stages: 50, runOrder: 999 } as const;

/** A fleet the generated pipeline cannot hold: names the wave and the limit. */
export class PipelineLimitError extends Error {
  override readonly name = 'PipelineLimitError';
}

/** Where the generated actions get their project and input. */
export interface CodePipelineOptions {
  /** The CloudFormation logical id of the CodeBuild project that runs `kubeship deploy`. */
  readonly projectRef: string;
  /** The input artifact (the source with kubeship.config.*). */
  readonly inputArtifact: string;
}

/**
 * Pure: the `Stages` entries (YAML) of an `AWS::CodePipeline::Pipeline` (PipelineType V2) to
 * append after its source stage: one stage per wave, one CodeBuild action per cluster that runs
 * the project with KUBESHIP_ENV and KUBESHIP_CLUSTER set (its buildspec runs `kubeship deploy
 * --env "$KUBESHIP_ENV" --cluster "$KUBESHIP_CLUSTER"`). `maxParallel` becomes RunOrder groups;
 * `onWaveFailure: rollback` becomes the stage's `OnFailure: ROLLBACK` (the previous successful
 * execution deployed again to the whole wave), `keep` becomes `FAIL`.
 */
export function codePipelineStages(fleet: PipelineFleet, options: CodePipelineOptions): string {
  if (fleet.waves.length > CODEPIPELINE_LIMITS.stages - 1)
    throw new PipelineLimitError(
      `fleet ${fleet.environment} has ${fleet.waves.length} waves: a pipeline holds at most ${CODEPIPELINE_LIMITS.stages} stages, one of them the source`,
    );
  const stages = fleet.waves.map((wave, w) => {
    if (wave.length > CODEPIPELINE_LIMITS.actionsPerStage)
      throw new PipelineLimitError(
        `fleet ${fleet.environment}: wave ${w + 1} has ${wave.length} clusters: a CodePipeline stage holds at most ${CODEPIPELINE_LIMITS.actionsPerStage} actions; split the wave`,
      );
    const group = fleet.maxParallel ?? wave.length;
    return {
      Name: `Deploy-${fleet.environment}-wave-${w + 1}`,
      OnFailure: { Result: fleet.onWaveFailure === 'keep' ? 'FAIL' : 'ROLLBACK' },
      Actions: wave.map((cluster, i) => ({
        Name: cluster,
        ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' },
        RunOrder: Math.floor(i / group) + 1,
        InputArtifacts: [{ Name: options.inputArtifact }],
        Configuration: {
          ProjectName: { Ref: options.projectRef },
          EnvironmentVariables: JSON.stringify(
            Object.entries(fleetVariables(fleet.environment, cluster)).map(([name, value]) => ({
              name,
              value,
              type: 'PLAINTEXT',
            })),
          ),
        },
      })),
    };
  });
  return `# kubeship pipeline --env ${fleet.environment} --format codepipeline: Stages of an AWS::CodePipeline::Pipeline (PipelineType: V2), after its source stage\n${stringify(stages, { lineWidth: 0 })}`;
}

/** How the generated batch buildspec runs kubeship. */
export interface BatchOptions {
  /** The command that runs the CLI, e.g. `npx -y @kubeship/codebuild-runner@0.1.0`. */
  readonly kubeship: string;
}

/**
 * Pure: a CodeBuild buildspec (YAML) with a `batch: build-graph` of one build per cluster: a
 * wave's builds depend on every build of the wave before, and, with `maxParallel`, on the build
 * `maxParallel` places before them in their own wave; `fast-fail` stops the batch at the first
 * failed cluster. Each build runs `kubeship deploy --cluster` for its cluster and keeps its JSON
 * report, for `kubeship report merge`, and the evidence bundle of a failed release: in
 * `evidence/<cluster>`, an artifact of the build, and under `$EVIDENCE_S3/<cluster>` (SSE-KMS with
 * `$EVIDENCE_KMS_KEY`) when the project sets those variables.
 */
export function codeBuildBatch(fleet: PipelineFleet, options: BatchOptions): string {
  const identifier = (w: number, cluster: string) => `wave${w + 1}_${cluster.replace(/-/g, '_')}`;
  const graph = fleet.waves.flatMap((wave, w) =>
    wave.map((cluster, i) => {
      const before = w === 0 ? [] : (fleet.waves[w - 1] ?? []).map((c) => identifier(w - 1, c));
      const queued =
        fleet.maxParallel !== undefined && i >= fleet.maxParallel
          ? [identifier(w, wave[i - fleet.maxParallel] as string)]
          : [];
      const dependOn = [...before, ...queued];
      return {
        identifier: identifier(w, cluster),
        ...(dependOn.length > 0 ? { 'depend-on': dependOn } : {}),
        env: { variables: fleetVariables(fleet.environment, cluster) },
      };
    }),
  );
  const buildspec = {
    version: 0.2,
    batch: { 'fast-fail': true, 'build-graph': graph },
    phases: {
      build: {
        commands: [
          'mkdir -p reports evidence',
          `${options.kubeship} deploy --env "$KUBESHIP_ENV" --cluster "$KUBESHIP_CLUSTER" --output json --report-junit "reports/$KUBESHIP_CLUSTER.xml" ${EVIDENCE_FLAGS} > "reports/$KUBESHIP_CLUSTER.json"`,
        ],
      },
    },
    reports: { kubeship: { files: ['reports/*.xml'], 'file-format': 'JUNITXML' } },
    artifacts: { files: ['reports/*.json', 'evidence/**/*'] },
  };
  return `# kubeship pipeline --env ${fleet.environment} --format codebuild-batch: one build per cluster, wave after wave\n${stringify(buildspec, { lineWidth: 0 })}`;
}

/**
 * Where a batch build keeps the evidence of a failed release: its own folder, and the project's
 * bucket and key when it sets EVIDENCE_S3 and EVIDENCE_KMS_KEY (POSIX `${VAR:+...}`: absent, no flag).
 */
const EVIDENCE_FLAGS = [
  '--evidence "evidence/$KUBESHIP_CLUSTER"',
  '${EVIDENCE_S3:+--evidence-s3 "$EVIDENCE_S3/$KUBESHIP_CLUSTER"}',
  '${EVIDENCE_KMS_KEY:+--evidence-kms-key "$EVIDENCE_KMS_KEY"}',
].join(' ');

/** The variables that make the project's one buildspec deploy one cluster of the fleet. */
function fleetVariables(environment: string, cluster: string): Record<string, string> {
  return { KUBESHIP_ENV: environment, KUBESHIP_CLUSTER: cluster };
}
