#!/usr/bin/env node
import { processIo } from './io.ts';
import { main } from './main.ts';

// CodeBuild stops a build with SIGTERM: end the watch cleanly (report, release the lease), then
// exit non-zero. A second signal exits at once.
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`kubeship: received ${signal}; stopping and reporting the state the app is in\n`);
    controller.abort();
  });
}

const code = await main(process.argv.slice(2), process.env, processIo(controller.signal));
// Exit once stdout is flushed, without waiting for idle keep-alive connections to close.
process.stdout.write('', () => process.exit(code));
