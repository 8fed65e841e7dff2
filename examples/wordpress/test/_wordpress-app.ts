// The team's WordPress image, run on this machine without a container runtime:
//   - its file system: WordPress in /usr/src/wordpress (the official image's place), with every
//     `COPY` of build/Dockerfile laid over it from the example's files (sources, the object cache,
//     wp-config.php, the health endpoint, the install guard, the smoke test, the entrypoint);
//   - WordPress itself from Debian's `wordpress` package (./dev setup installs it; wordpress.org,
//     where the official image gets it, is not reachable here): version {@link wordpressVersion};
//   - started as the image starts: build/docker-entrypoint.sh, which execs the official entrypoint,
//     here a stand-in doing what that one does for this image (copy /usr/src/wordpress into the
//     document root on first start, keep the image's wp-config.php, exec the command), and PHP's
//     own web server with four workers in place of Apache.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './_run.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const DEBIAN_WORDPRESS = '/usr/share/wordpress';

/** The WordPress version of Debian's package, or a clear error when it is not installed. */
export function wordpressVersion(): string {
  const file = join(DEBIAN_WORDPRESS, 'wp-includes', 'version.php');
  if (!existsSync(file))
    throw new Error(`${file} is missing: run ./dev setup (it installs Debian's wordpress package)`);
  const version = /\$wp_version = '([^']+)'/.exec(readFileSync(file, 'utf8'))?.[1];
  if (!version) throw new Error(`no $wp_version in ${file}`);
  return version;
}

/** The `COPY` instructions of build/Dockerfile (not `--from`): sources relative to the example, and the target. */
export function dockerfileCopies(): { sources: string[]; target: string }[] {
  const text = readFileSync(join(example, 'build', 'Dockerfile'), 'utf8').replaceAll('\\\n', ' ');
  return text
    .split('\n')
    .filter((line) => /^COPY\s/.test(line) && !line.includes('--from'))
    .map((line) => {
      const words = line
        .trim()
        .split(/\s+/)
        .slice(1)
        .filter((word) => !word.startsWith('--'));
      const target = words.pop();
      if (!target || words.length === 0) throw new Error(`cannot read ${line}`);
      return { sources: words, target };
    });
}

/** Lays the image's file system out under `rootfs`. */
export function buildImageRoot(rootfs: string): void {
  wordpressVersion();
  cpSync(DEBIAN_WORDPRESS, join(rootfs, 'usr/src/wordpress'), { recursive: true });
  for (const { sources, target } of dockerfileCopies()) {
    for (const source of sources) {
      const from = join(example, source);
      const to =
        target.endsWith('/') && !source.endsWith('/')
          ? join(rootfs, target, source.split('/').pop() ?? '')
          : join(rootfs, target);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to, { recursive: true });
    }
  }
}

/** A WordPress pod's container, running here. */
export interface RunningWordPress {
  readonly port: number;
  readonly origin: string;
  /** The image's file system on this machine. */
  readonly rootfs: string;
  /** What the entrypoint printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts the image's entrypoint in `dir` with the pod's environment `env` (DB settings, install key...). */
export async function startWordPress(dir: string, env: NodeJS.ProcessEnv): Promise<RunningWordPress> {
  const rootfs = join(dir, 'rootfs');
  const docroot = join(rootfs, 'var/www/html');
  buildImageRoot(rootfs);
  mkdirSync(docroot, { recursive: true });
  const upstream = join(rootfs, 'usr/local/bin/docker-entrypoint.sh');
  writeFileSync(
    upstream,
    `#!/usr/bin/env bash\nset -euo pipefail\ncd '${docroot}'\n[ -e index.php ] || cp -a '${rootfs}/usr/src/wordpress/.' .\nexec "$@"\n`,
    { mode: 0o755 },
  );
  const port = await freePort();
  const logFile = join(dir, 'wordpress.log');
  const out = openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    'bash',
    [join(rootfs, 'usr/local/bin/kubeship-entrypoint.sh'), 'php', '-S', `127.0.0.1:${port}`, '-t', docroot],
    {
      env: {
        PATH: process.env.PATH,
        PHP_CLI_SERVER_WORKERS: '4',
        WORDPRESS_UPSTREAM_ENTRYPOINT: upstream,
        KUBESHIP_INSTALL_GUARD: join(rootfs, 'usr/local/share/kubeship/install-guard.php'),
        ...env,
      },
      stdio: ['ignore', out, out],
      // PHP's workers are children of the server: stop the whole group
      detached: true,
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const origin = `http://127.0.0.1:${port}`;
  const log = () => readFileSync(logFile, 'utf8');
  for (let i = 0; ; i++) {
    const up = await fetch(`${origin}/kubeship-health.php`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (i >= 100 || child.exitCode !== null) throw new Error(`WordPress did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    origin,
    rootfs,
    log,
    stop: async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}
