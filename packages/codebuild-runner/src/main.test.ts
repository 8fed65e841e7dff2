import { afterAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { removeTempDirs, runMain } from '../test/harness.ts';
import { COMMAND_SPECS } from './commands/specs.ts';
import { EXIT } from './exit-codes.ts';

afterAll(removeTempDirs);

describe('kubeship --version and --help', () => {
  it.each([['--version'], ['-v']])('%s prints the package version and exits 0', async (flag) => {
    const run = await runMain([flag]);
    expect(run).toEqual({ code: EXIT.ok, stdout: `${packageJson.version}\n`, stderr: '' });
  });

  it.each([['--help'], ['-h'], ['help']])(
    '%s lists every command and the exit codes, exit 0',
    async (flag) => {
      const run = await runMain([flag]);
      expect(run.code).toBe(EXIT.ok);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`kubeship ${packageJson.version}`);
      for (const [name, spec] of Object.entries(COMMAND_SPECS)) {
        expect(run.stdout).toMatch(new RegExp(`^  ${name} +${escapeRegExp(spec.summary)}$`, 'm'));
      }
      for (const code of [0, 1, 2, 3, 4, 5]) expect(run.stdout).toMatch(new RegExp(`\\b${code} [a-z]`));
    },
  );

  it('without a command prints the usage to stderr and exits 2', async () => {
    const run = await runMain([]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('usage: kubeship <command> [options]');
  });

  it('names every command of the issue', () => {
    expect(Object.keys(COMMAND_SPECS).sort()).toEqual(
      [
        'check',
        'deploy',
        'diff',
        'history',
        'kubeconfig',
        'pipeline',
        'promote',
        'render',
        'report',
        'rollback',
        'set-image',
        'status',
        'token',
      ].sort(),
    );
  });

  describe.each(Object.entries(COMMAND_SPECS))('kubeship %s --help', (name, spec) => {
    it('prints the summary, usage and every option, exit 0, loading nothing', async () => {
      const run = await runMain([name, '--help']);
      expect(run.code).toBe(EXIT.ok);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`kubeship ${name}: ${spec.summary}`);
      expect(run.stdout).toContain(`usage: ${spec.usage}`);
      for (const [option, o] of Object.entries(spec.options)) {
        const flag = `--${option}${o.placeholder ? ` <${o.placeholder}>` : ''}`;
        expect(run.stdout).toMatch(
          new RegExp(`^  ${escapeRegExp(flag)} +${escapeRegExp(o.description)}$`, 'm'),
        );
      }
      expect(run.stdout).toMatch(/^ {2}--help +show this help$/m);
    });

    it('-h works too, and wins over a missing config', async () => {
      const run = await runMain([name, '-h']);
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain(`usage: ${spec.usage}`);
    });
  });
});

describe('argument errors exit 2 before anything is loaded', () => {
  it('an unknown command names it and shows the usage on stderr', async () => {
    const run = await runMain(['deplyo', '--env', 'test']);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^kubeship: unknown command "deplyo"/);
    expect(run.stderr).toContain('usage: kubeship <command>');
  });

  it.each([
    [['deploy', '--bogus'], /Unknown option '--bogus'/],
    [['deploy', '--env'], /--env/],
    [['render', '--tag'], /--tag/],
    [['token', '--cluster-name'], /--cluster-name/],
    [['status', '--no-rollback'], /Unknown option '--no-rollback'/],
    [['deploy', '-x'], /Unknown option '-x'/],
  ])('%j', async (argv, message) => {
    const run = await runMain(argv);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain(`(see kubeship ${argv[0]} --help)`);
  });

  it('a stray word is refused rather than silently ignored (`deploy prod` is not `deploy --env prod`)', async () => {
    const run = await runMain(['deploy', 'prod']);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toMatch(/Unexpected argument 'prod'/);
    expect(run.stderr).not.toMatch(/To specify a positional argument/);
  });

  it('a boolean option given a value is refused', async () => {
    const run = await runMain(['deploy', '--no-rollback=yes']);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toMatch(/--no-rollback/);
  });

  it('a command-specific option on the wrong command is refused', async () => {
    const run = await runMain(['token', '--image', 'x']);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toMatch(/Unknown option '--image'/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
