// Plain scalars that a YAML 1.1 reader (kubectl's go-yaml, many CI tools) or a YAML 1.2 reader would not
// read back as the same string.
import * as YAML from 'yaml';

// The YAML 1.1 type repository's implicit forms, as go-yaml and the spec define them (loosened to supersets:
// an extra quote is harmless, a missing one is a bug).
const YAML11 = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[-+]?(?:0b[0-1_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_.]*(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)?$/,
  /^(?:<<|=)$/,
];
// YAML 1.2 numbers that 1.1 does not know: exponents without a dot, 0o octals.
const YAML12 = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|0o[0-7]+)$/;
// And whatever the yaml library's own 1.1 reader (loadYaml's) resolves to something else, e.g. `e0`.
const LIBRARY = new YAML.Document(null, { version: '1.1' }).schema.tags.flatMap((tag) =>
  tag.tag !== 'tag:yaml.org,2002:str' && tag.default && tag.test ? [tag.test] : [],
);

/** Whether the string `text`, written unquoted, would be read as something else by a YAML 1.1 or 1.2 reader. */
export const misreadUnquoted = (text: string): boolean =>
  [...YAML11, YAML12, ...LIBRARY].some((pattern) => pattern.test(text));
