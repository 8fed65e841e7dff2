// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), parsed for comparisons only.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))((?:[KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;

const BINARY = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 } as const;
const DECIMAL = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 } as const;

/** The numeric value of a quantity such as `250m` or `1.5Gi`, or `undefined` when it is not one. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  if (suffix in BINARY) return number * 1024 ** BINARY[suffix as keyof typeof BINARY];
  if (suffix in DECIMAL) return number * 10 ** DECIMAL[suffix as keyof typeof DECIMAL];
  return number * 10 ** Number(suffix.slice(1));
}
