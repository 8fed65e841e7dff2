import type { CommandInput } from '../command-input.ts';
import { EXIT } from '../exit-codes.ts';
import { deployEnvironment } from './deploy.ts';

/**
 * `kubeship check`: everything `deploy` does before it changes anything (input and config, SSM
 * reads, authentication, the access review, the plan, the alarm gate's state and the server-side
 * dry-run with its warnings), changing nothing and taking no lease. Exit 0 when a deploy would be
 * allowed; otherwise the deploy's own error, message and exit code.
 */
export function run(input: CommandInput): Promise<number> {
  return deployEnvironment(input, {
    command: 'check',
    onlyDeployments: false,
    check: async (request, { reporter, environment }) => {
      const { checkObjects } = await import('@kubeship/core');
      const result = await checkObjects(request);
      const creates = result.changes.filter((c) => c.action === 'create').length;
      const updates = result.changes.filter((c) => c.action !== 'create' && c.action !== 'prune').length;
      const prunes = result.changes.filter((c) => c.action === 'prune').length;
      const message = `a deploy of release ${result.revision} would be allowed: ${result.rightsReviewed} rights reviewed, dry-run passed (${creates} to create, ${updates} to update, ${prunes} to prune), ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}; nothing was changed`;
      if (input.options.output === 'json') {
        input.io.stdout(
          `${JSON.stringify({ command: 'check', environment, exitCode: EXIT.ok, outcome: 'allowed', code: null, message, result }, null, 2)}\n`,
        );
      } else {
        for (const change of result.changes) reporter.note(`  ${change.action} ${change.id}`);
        reporter.note(`CHECK PASSED: ${message}`);
      }
      return EXIT.ok;
    },
  });
}
