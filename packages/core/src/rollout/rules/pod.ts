import type { V1Pod } from '@kubernetes/client-node';
import { asModel, failed, healthy, judgePods, progressingOn } from './_common.ts';
import type { HealthRule } from './types.ts';

/**
 * Bare Pods: Ready is healthy, and so is a run-to-completion pod (restartPolicy Never or
 * OnFailure) that Succeeded. A Failed pod is failed whatever the reason (nothing recreates a bare
 * pod, eviction included), and so is a doomed one ({@link judgePod}); otherwise progressing.
 */
export const podRule: HealthRule = {
  name: 'Pod',
  needs: [],
  judge(object, _view, context) {
    const pod = asModel<V1Pod>(object);
    const status = pod.status ?? {};
    const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    if (status.phase === 'Succeeded') {
      if (restartPolicy !== 'Always') return healthy('completed successfully');
      return failed('Completed', 'the pod completed although its restartPolicy is Always');
    }
    if (status.phase === 'Failed') {
      const exit = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].find(
        (c) => (c.state?.terminated?.exitCode ?? 0) !== 0,
      );
      const code = exit?.state?.terminated?.exitCode;
      const reason = status.reason || exit?.state?.terminated?.reason || 'PodFailed';
      const why =
        status.message || (exit ? `container ${exit.name} exited with code ${code}` : 'the pod failed');
      return failed(reason, `${reason}: ${why}`, [
        {
          pod: pod.metadata?.name ?? '',
          reason,
          message: why,
          ...(exit ? { container: exit.name, restartCount: exit.restartCount } : {}),
          ...(code === undefined ? {} : { exitCode: code }),
        },
      ]);
    }
    const verdicts = judgePods([pod], context);
    if (verdicts.doom) return verdicts.doom;
    if (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
      return healthy(`ready on node ${pod.spec?.nodeName ?? '?'}`);
    }
    return progressingOn(status.phase ?? 'Pending', verdicts);
  },
};
