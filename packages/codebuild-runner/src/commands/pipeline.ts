import { KubeshipError } from '@kubeship/core/errors';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { codeBuildBatch, codePipelineStages, PipelineLimitError } from '../output/pipeline.ts';
import { VERSION } from '../version.ts';
import { wholeFleet } from './_fleet-open.ts';

/** `kubeship pipeline`: a fleet as CodePipeline stages or a CodeBuild batch buildspec, on stdout. */
export async function run(input: CommandInput): Promise<number> {
  const {
    pipelineFormat: format,
    projectRef = 'KubeshipDeployProject',
    inputArtifact = 'SourceOutput',
  } = input.options;
  if (format === undefined) throw new UsageError('--format must be codepipeline or codebuild-batch');
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
