// Kubernetes naming rules (k8s.io/apimachinery/pkg/util/validation), as predicates and zod schemas.
import * as z from 'zod';
import { parseQuantity } from './_quantity.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** A DNS-1123 label: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63 characters. */
export const isDns1123Label = (name: string): boolean => name.length <= 63 && DNS1123_LABEL.test(name);

/** A DNS-1035 label: like a DNS-1123 label but starting with a letter (Service names). */
export const isDns1035Label = (name: string): boolean => name.length <= 63 && DNS1035_LABEL.test(name);

/** A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters. */
export const isDns1123Subdomain = (name: string): boolean =>
  name.length <= 253 && name.split('.').every((part) => DNS1123_LABEL.test(part));

/** A qualified name (label and annotation keys): `[prefix/]name`, prefix a DNS subdomain, name at most 63. */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  return (
    name.length <= 63 &&
    QUALIFIED_NAME.test(name) &&
    (prefix === undefined || (prefix.length > 0 && isDns1123Subdomain(prefix)))
  );
}

/** A label value: empty, or alphanumeric at both ends with '-', '_' and '.' inside, at most 63 characters. */
export const isLabelValue = (value: string): boolean => value.length <= 63 && LABEL_VALUE.test(value);

/** An environment variable name. */
export const isEnvName = (name: string): boolean => ENV_NAME.test(name);

/** A ConfigMap or Secret key. */
export const isConfigKey = (key: string): boolean => key.length <= 253 && CONFIG_KEY.test(key);

/** A port name (IANA_SVC_NAME): at most 15 characters, lowercase alphanumerics and '-', with a letter. */
export const isPortName = (name: string): boolean =>
  name.length <= 15 && IANA_SVC_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--');

export const RULES = {
  dns1123Label:
    "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  dns1035Label:
    "must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters",
  dns1123Subdomain:
    "must be a DNS-1123 subdomain: dot-separated lowercase labels of letters, digits and '-', at most 253 characters",
  qualifiedName:
    "must be a qualified name: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
  labelValue:
    "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
  envName:
    "must be an environment variable name: letters, digits, '_', '-' or '.', not starting with a digit",
  configKey: "must be a ConfigMap/Secret key: letters, digits, '-', '_' or '.'",
  portName:
    "must be a port name (IANA_SVC_NAME): at most 15 lowercase letters, digits and '-', with at least one letter, no '--'",
  quantity: "must be a Kubernetes quantity such as '250m', '0.5', '128Mi' or '2Gi'",
  port: 'must be a port number from 1 to 65535',
} as const;

/** A string schema whose rule is a function returning the problem, or `undefined` when there is none. */
export const checkedString = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, context) => {
    const message = problem(value);
    if (message !== undefined) context.addIssue({ code: 'custom', message, input: value });
  });

const named = (test: (value: string) => boolean, error: string) => z.string().refine(test, { error });

export const dns1123Label = named(isDns1123Label, RULES.dns1123Label);
export const dns1035Label = named(isDns1035Label, RULES.dns1035Label);
export const dns1123Subdomain = named(isDns1123Subdomain, RULES.dns1123Subdomain);
export const qualifiedName = named(isQualifiedName, RULES.qualifiedName);
export const labelValue = named(isLabelValue, RULES.labelValue);
export const envName = named(isEnvName, RULES.envName);
export const configKey = named(isConfigKey, RULES.configKey);
export const portName = named(isPortName, RULES.portName);
export const quantity = named((value) => parseQuantity(value) !== undefined, RULES.quantity);
export const portNumber = z.int().min(1, { error: RULES.port }).max(65535, { error: RULES.port });
/** A port given by number or by the name of a container port. */
export const portRef = z.union([portNumber, portName], {
  error: 'must be a port number (1-65535) or a port name',
});
export const labels = z.record(qualifiedName, labelValue);
export const annotations = z.record(qualifiedName, z.string());
/** A non-negative integer or a percentage such as `25%`. */
export const intOrPercent = z.union(
  [z.int().min(0), z.string().regex(/^(100|[1-9]?\d)%$/, { error: "must be a percentage such as '25%'" })],
  { error: "must be a non-negative integer or a percentage such as '25%'" },
);

/** The shape every Kubernetes object has: apiVersion, kind and metadata (name required); other fields pass through. */
export const kubeObjectShape = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: dns1123Label.optional(),
    labels: labels.optional(),
    annotations: annotations.optional(),
  }),
});
