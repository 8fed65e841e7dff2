import type { TestProject } from 'vitest/node';
import { startTestbed, type TestbedInfo } from '../src/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testbed: TestbedInfo;
  }
}

/** One testbed for the whole integration run; each test works in its own namespace. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const testbed = await startTestbed();
  process.stderr.write(
    `[testbed] up in ${Date.now() - started} ms at ${testbed.endpoint} (data ${testbed.dataDir})\n`,
  );
  const { stop, restartApiServer: _, ...info } = testbed;
  project.provide('testbed', info);
  return stop;
}
