import type { V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { isDefiniteCreateFailure } from '../_failure-kinds.ts';
import { afterGrace, asModel, eventFirstSeen, eventsAbout, failed, healthy, progressing } from './_common.ts';
import type { HealthRule, KubeObject, NamespaceView } from './types.ts';

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';

/**
 * PersistentVolumeClaims: Bound is healthy, Lost failed, a ProvisioningFailed event of this
 * rollout failed (at once, or after the unschedulable grace when it reads like a timeout or
 * throttling). Pending on a StorageClass with `volumeBindingMode: WaitForFirstConsumer` is
 * healthy ("waits for first consumer") until a pod selects a node; without the StorageClasses in
 * the view, the provisioner's WaitForFirstConsumer event says the same.
 */
export const persistentVolumeClaimRule: HealthRule = {
  name: 'PersistentVolumeClaim',
  needs: ['events'],
  judge(object, view, context) {
    const claim = asModel<V1PersistentVolumeClaim>(object);
    const phase = claim.status?.phase ?? 'Pending';
    const size = claim.status?.capacity?.storage ?? claim.spec?.resources?.requests?.storage;
    if (phase === 'Bound') {
      return healthy(`bound to ${claim.spec?.volumeName ?? 'a volume'}${size ? ` (${size})` : ''}`);
    }
    if (phase === 'Lost') {
      return failed('ClaimLost', `the claim lost its volume ${claim.spec?.volumeName ?? ''}`.trim());
    }
    const [provisioningFailed] = eventsAbout(
      object,
      view.events(),
      ['ProvisioningFailed'],
      context.appliedAt,
    );
    if (provisioningFailed) {
      const message = provisioningFailed.message?.trim() ?? 'provisioning failed';
      const fail = () => failed('ProvisioningFailed', `ProvisioningFailed: ${message}`);
      if (isDefiniteCreateFailure(message)) return fail();
      const since = Math.max(eventFirstSeen(provisioningFailed), context.appliedAt);
      return afterGrace(since, context.rules.unschedulableGraceMs, context.now, {
        failed: fail,
        progressing: (recheckAt) =>
          progressing(`provisioning is failing, retried: ${message}`, { recheckAt }),
      });
    }
    const selectedNode = claim.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
    if (!selectedNode && waitsForFirstConsumer(object, claim, view)) {
      return healthy('Pending: waits for first consumer (volumeBindingMode WaitForFirstConsumer)');
    }
    if (claim.spec?.storageClassName === '') {
      return progressing(
        'Pending: waiting for a matching PersistentVolume (no StorageClass: static binding)',
      );
    }
    const [provisioning] = eventsAbout(object, view.events(), ['ExternalProvisioning', 'Provisioning'], 0);
    const note = provisioning?.message ? `: ${provisioning.message.trim()}` : '';
    return progressing(
      `Pending: waiting for the volume to be provisioned${selectedNode ? ` on node ${selectedNode}` : ''}${note}`,
    );
  },
};

function waitsForFirstConsumer(
  object: KubeObject,
  claim: V1PersistentVolumeClaim,
  view: NamespaceView,
): boolean {
  const classes = view.storageClasses?.();
  if (classes) {
    const name = claim.spec?.storageClassName;
    const storageClass =
      name === undefined || name === null
        ? classes.find((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
        : classes.find((c: V1StorageClass) => c.metadata?.name === name);
    if (storageClass) return storageClass.volumeBindingMode === 'WaitForFirstConsumer';
  }
  return eventsAbout(object, view.events(), ['WaitForFirstConsumer'], 0).length > 0;
}
