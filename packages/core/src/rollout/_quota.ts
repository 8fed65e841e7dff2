// The ResourceQuota admission plugin refuses a pod with
//   exceeded quota: <quota>, requested: <r>=<q>,..., used: <r>=<q>,..., limited: <r>=<q>,...
// listing only the resources that do not fit. When the pod alone asks for more than the hard
// limit of one of them (a `pods: "0"` quota, a pod bigger than the whole quota), no pod going
// away can ever make room: the failure is definite. Otherwise others are using the quota and it
// may clear up (old pods of a rolling update terminating).

import { parseQuantity } from '@kubeship/manifests';

const QUOTA_MESSAGE = /exceeded quota: [^,]+, requested: (\S+), used: (\S+), limited: (\S+)/;

function resourceList(text: string): Map<string, number | undefined> {
  return new Map(
    text.split(',').flatMap((entry) => {
      const at = entry.indexOf('=');
      return at > 0 ? [[entry.slice(0, at), parseQuantity(entry.slice(at + 1))] as const] : [];
    }),
  );
}

/**
 * Whether a quota refusal can never clear up: for some resource it names, the pod's own request
 * exceeds the quota's hard limit. Undefined when the message is not a quota refusal.
 */
export function quotaNeverFits(message: string): boolean | undefined {
  const match = QUOTA_MESSAGE.exec(message);
  if (!match) return undefined;
  const requested = resourceList(match[1] ?? '');
  const limited = resourceList(match[3] ?? '');
  return [...requested].some(([resource, asked]) => {
    const hard = limited.get(resource);
    return asked !== undefined && hard !== undefined && asked > hard;
  });
}
