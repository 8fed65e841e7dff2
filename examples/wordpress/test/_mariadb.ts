// A fresh MariaDB server of this machine's packages (mariadb-server, mariadb-client), in a temp
// directory, on a free loopback port; root logs in through the socket only.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Finished, freePort, run } from './_run.ts';

/** PATH with the server binaries (Debian puts mariadbd in /usr/sbin). */
export const SERVER_PATH = `/usr/sbin:/sbin:${process.env.PATH}`;

/** The commands of `commands` that are not on this machine. */
export function missingCommands(commands: readonly string[]): string[] {
  return commands.filter(
    (c) => spawnSync('bash', ['-c', `command -v ${c}`], { env: { PATH: SERVER_PATH } }).status !== 0,
  );
}

/** A running MariaDB. */
export interface Mariadb {
  readonly port: number;
  /** Runs SQL as root over the socket. */
  root(sql: string): Promise<Finished>;
  stop(): Promise<void>;
}

/** Initialises a data directory in `dir` and starts mariadbd with `serverArgs` added. */
export async function startMariadb(dir: string, serverArgs: readonly string[] = []): Promise<Mariadb> {
  const at = (name: string) => join(dir, name);
  const install = await run(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${at('data')}`,
      '--user=root',
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
    ],
    { env: { PATH: SERVER_PATH } },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  const port = await freePort();
  const server: ChildProcess = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${at('data')}`,
      '--user=root',
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${at('mysqld.sock')}`,
      `--pid-file=${at('mysqld.pid')}`,
      '--skip-name-resolve',
      ...serverArgs,
    ],
    { env: { PATH: SERVER_PATH }, stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const root = (sql: string) =>
    run(
      'mariadb',
      ['--no-defaults', `--socket=${at('mysqld.sock')}`, '-uroot', '--batch', '--skip-column-names'],
      { env: { PATH: SERVER_PATH }, input: sql },
    );
  for (let i = 0; i < 150; i++) {
    if (existsSync(at('mysqld.sock')) && (await root('SELECT 1;')).status === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    root,
    stop: async () => {
      if (server.exitCode === null) server.kill('SIGTERM');
      await exited;
    },
  };
}
