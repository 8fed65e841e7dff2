/** A path into a value: object keys and array indices. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Formats `['spec', 'containers', 0, 'image']` as `spec.containers[0].image`; odd keys as `labels["a/b"]`. */
export function formatPath(segments: readonly PropertyKey[], prefix = ''): string {
  let text = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}
