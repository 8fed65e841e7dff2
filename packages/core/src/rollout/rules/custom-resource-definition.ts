import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { asModel, failed, healthy, progressing } from './_common.ts';
import type { HealthRule } from './types.ts';

/**
 * CustomResourceDefinitions: Established True is healthy (the API server serves the resource);
 * NamesAccepted False failed (the names conflict with another CRD); otherwise progressing.
 */
export const customResourceDefinitionRule: HealthRule = {
  name: 'CustomResourceDefinition',
  needs: [],
  judge(object) {
    const crd = asModel<V1CustomResourceDefinition>(object);
    const conditions = crd.status?.conditions ?? [];
    const names = conditions.find((c) => c.type === 'NamesAccepted');
    if (names?.status === 'False') {
      return failed(
        names.reason || 'NamesNotAccepted',
        `names not accepted: ${names.message ?? names.reason}`,
      );
    }
    const served = `${crd.spec?.names?.plural ?? '?'}.${crd.spec?.group ?? '?'}`;
    const established = conditions.find((c) => c.type === 'Established');
    if (established?.status === 'True') {
      const versions = (crd.spec?.versions ?? []).filter((v) => v.served).map((v) => v.name);
      return healthy(`established: ${served} served as ${versions.join(', ') || 'no version'}`);
    }
    const why = established?.message ?? names?.message;
    return progressing(`waiting for the API server to establish ${served}${why ? `: ${why}` : ''}`);
  },
};
