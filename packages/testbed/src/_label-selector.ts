/**
 * Whether `labels` match a label selector in its query-string form (`a=b,c!=d,e in (f,g),h,!i`),
 * as the apiserver parses `labelSelector`. An empty selector matches everything; an unreadable
 * requirement matches nothing.
 */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: string): boolean {
  return splitRequirements(selector).every((requirement) => matchesRequirement(labels, requirement));
}

/** Splits on commas outside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

function matchesRequirement(labels: Readonly<Record<string, string>>, requirement: string): boolean {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(requirement);
  if (set) {
    const [, key = '', operator, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    const value = labels[key];
    return operator === 'in'
      ? value !== undefined && values.includes(value)
      : !values.includes(value ?? '\0');
  }
  const equality = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(requirement);
  if (equality) {
    const [, key = '', operator, value] = equality;
    return operator === '!=' ? labels[key] !== value : labels[key] === value;
  }
  if (requirement.startsWith('!')) return labels[requirement.slice(1)] === undefined;
  return /^\S+$/.test(requirement) && labels[requirement] !== undefined;
}
