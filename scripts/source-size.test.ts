// Small modules with one job: no source file of the packages over 450 lines, and the deploy
// engine's top file (the list of its phases) under 100.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

const sources = readdirSync(join(root, 'packages'), { recursive: true, encoding: 'utf8' })
  .filter(
    (path) => /(^|\/)src\/.*\.ts$/.test(path) && !path.endsWith('.test.ts') && !path.includes('node_modules'),
  )
  .map((path) => join(root, 'packages', path));

describe('source file sizes', () => {
  it('finds the sources', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it('keeps every source file at 450 lines or fewer', () => {
    const long = sources
      .map((file) => ({ file: relative(root, file), lines: lineCount(file) }))
      .filter((f) => f.lines > 450);
    expect(long).toEqual([]);
  });

  it('keeps deploy/engine.ts, the list of phases, under 100 lines', () => {
    expect(lineCount(join(root, 'packages/core/src/deploy/engine.ts'))).toBeLessThan(100);
  });
});
