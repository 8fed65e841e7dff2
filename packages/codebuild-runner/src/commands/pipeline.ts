import { KubeshipError } from '@kubeship/core/auth';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { codeBuildBatch, codePipelineStages, PipelineLimitError } from '../output/pipeline.ts';
import { VERSION } from '../version.ts';
import { wholeFleet } from './_fleet-open.ts';

const FORMATS = ['codepipeline', 'codebuild-batch'] as const;
const LOGICAL_ID = /^[A-Za-z0-9]{1,255}$/;
const ARTIFACT_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/** `kubeship pipeline`: a fleet as CodePipeline stages or a CodeBuild batch buildspec, on stdout. */
export async function run(input: CommandInput): Promise<number> {
  const format = input.values.format;
  if (!FORMATS.includes(format as (typeof FORMATS)[number]))
    throw new UsageError(`--format must be ${FORMATS.join(' or ')}, not ${JSON.stringify(format ?? '')}`);
  const projectRef = stringFlag(input, 'project-ref', 'KubeshipDeployProject', LOGICAL_ID);
  const inputArtifact = stringFlag(input, 'input-artifact', 'SourceOutput', ARTIFACT_NAME);
  const whole = await wholeFleet(input);
  if (!whole)
    throw new UsageError('pipeline needs a fleet environment (environments.<name>.fleet), without --cluster');
  const { fleet } = whole;
  const facts = {
    environment: whole.name,
    waves: fleet.waves,
    maxParallel: fleet.maxParallel,
    onWaveFailure: fleet.onWaveFailure,
  };
  try {
    input.io.stdout(
      format === 'codepipeline'
        ? codePipelineStages(facts, { projectRef, inputArtifact })
        : codeBuildBatch(facts, { kubeship: `npx -y @kubeship/codebuild-runner@${VERSION}` }),
    );
  } catch (error) {
    if (error instanceof PipelineLimitError)
      throw new KubeshipError('INVALID_INPUT', `${whole.file}: ${error.message}`, { cause: error });
    throw error;
  }
  return EXIT.ok;
}

function stringFlag(input: CommandInput, name: string, fallback: string, pattern: RegExp): string {
  const value = input.values[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !pattern.test(value))
    throw new UsageError(`--${name} must match ${pattern.source}, not ${JSON.stringify(value)}`);
  return value;
}
