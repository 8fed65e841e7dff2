// The sample outputs of README.md and docs/cli.md are what the CLI prints now: the scenario of
// scripts/doc-samples.ts runs on the shared testbed, and each doc must equal itself with its
// samples regenerated. A changed message fails here until `./dev pnpm run docs:samples` is run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { runSamples, SAMPLE_FILES, sampleNames, withSamples } from '../../scripts/doc-samples.ts';
import { REPO_ROOT } from './_cli.ts';

it('the sample outputs in README.md and docs/cli.md are what the CLI prints now (./dev pnpm run docs:samples)', async () => {
  const samples = await runSamples(inject('testbed'));
  for (const file of SAMPLE_FILES) {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    expect(sampleNames(text).length, `${file} has no generated sample`).toBeGreaterThan(0);
    expect(withSamples(text, samples), `${file}: regenerate with ./dev pnpm run docs:samples`).toBe(text);
  }
}, 180_000);
