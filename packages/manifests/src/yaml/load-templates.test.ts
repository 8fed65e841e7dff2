import { describe, expect, it } from 'vitest';
import { ManifestError } from '../_errors.ts';
import { loadTemplates } from './load-templates.ts';
import { flowPlaceholders, loadYaml } from './load-yaml.ts';

const configMap = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }\ndata: { A: "1" }\n`;
const failure = (run: () => unknown): ManifestError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('did not throw');
};

describe('loadTemplates', () => {
  it('loads every file', () => {
    const loaded = loadTemplates([
      { file: 'a.yaml', text: configMap('one') },
      { file: 'b.yaml', text: configMap('two') },
    ]);
    expect(loaded.map((l) => [l.file, l.objects.map((o) => o.metadata.name)])).toEqual([
      ['a.yaml', ['one']],
      ['b.yaml', ['two']],
    ]);
  });

  it('the same object in two files names both, also when one writes the default namespace out', () => {
    const error = failure(() =>
      loadTemplates(
        [
          { file: 'a.yaml', text: configMap('same') },
          { file: 'b.yaml', text: configMap('same', 'web') },
        ],
        { defaultNamespace: 'web' },
      ),
    );
    expect(error.code).toBe('INVALID_OBJECT');
    expect(error.message).toContain('(b.yaml, ConfigMap/same): the same object is also in a.yaml');
  });

  it('problems of several files come together, each naming its file', () => {
    const error = failure(() =>
      loadTemplates(
        [
          { file: 'a.yaml', text: 'a: [' },
          { file: 'b.yaml', text: configMap('x').replace('"1"', '"${MISSING}"') },
        ],
        { variables: {} },
      ),
    );
    expect(error.message).toMatch(/^2 template files have problems/);
    expect(error.issues.map((i) => i.file)).toEqual(expect.arrayContaining(['a.yaml', 'b.yaml']));
  });
});

describe('placeholders in flow-style YAML', () => {
  it('one hint per line instead of the tokenizer errors', () => {
    const text = 'metadata: { name: ${NAME} }\nlist: [a, "${QUOTED}", ${BARE}]\nblock: ${FINE}\n';
    expect(flowPlaceholders(text).map((i) => [i.line, i.message.split(' is ')[0]])).toEqual([
      [1, 'the placeholder ${NAME}'],
      [2, 'the placeholder ${BARE}'],
    ]);
    const error = failure(() =>
      loadYaml(`apiVersion: v1\nkind: ConfigMap\n${text}`, { variables: { NAME: 'x' } }),
    );
    expect(error.issues).toHaveLength(2);
  });
});
