// The import rules of shared/architecture.md, checked by dependency-cruiser in `./dev test`
// (pnpm run check-dependencies): no import circles, and imports only go down the layers:
// codebuild-runner -> core -> manifests, and inside core from the engine down to its phases' folders.

/** Core's folders from the bottom up: a folder imports its own layer or the ones below, never above. */
const CORE_LAYERS = [
  [
    'errors\\.ts',
    'clock\\.ts',
    '_secret-value\\.ts',
    '_manifest-call\\.ts',
    'access/explainer\\.ts',
    'access/eks-explain\\.ts',
  ],
  ['auth/'],
  ['apply/'],
  ['rollout/'],
  ['config/', 'sources/', 'release/'],
  ['events/'],
  ['gates/', 'progressive/', 'access/(?!explainer|eks-explain)', 'evidence/'],
  ['deploy/'],
  ['fleet/'],
  ['environment/'],
  ['report/', 'index\\.ts'],
];

const core = (entries) => `^packages/core/src/(${entries.join('|')})`;
const notTests = '\\.test\\.ts$|/test/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: the modules cannot be read, tested or loaded one without the other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'manifests-is-the-bottom',
      severity: 'error',
      comment: '@kubeship/manifests is pure: it imports neither core nor the CLI.',
      from: { path: '^packages/manifests/' },
      to: { path: '^packages/(core|codebuild-runner)/' },
    },
    {
      name: 'core-below-the-cli',
      severity: 'error',
      comment: '@kubeship/core never imports the CLI.',
      from: { path: '^packages/core/' },
      to: { path: '^packages/codebuild-runner/' },
    },
    {
      name: 'published-packages-not-on-the-testbed',
      severity: 'error',
      comment: 'The testbed is a devDependency: only tests import it.',
      from: { path: '^packages/(manifests|core|codebuild-runner)/src/', pathNot: notTests },
      to: { path: '^packages/testbed/' },
    },
    {
      name: 'commands-below-main',
      severity: 'error',
      comment: 'main.ts loads the commands; they take what they need from command-input.ts.',
      from: { path: '^packages/codebuild-runner/src/', pathNot: '(main|bin|index)\\.ts$' },
      to: { path: '^packages/codebuild-runner/src/main\\.ts$' },
    },
    ...CORE_LAYERS.slice(0, -1).map((layer, index) => ({
      name: `core-layer-${index}-imports-down`,
      severity: 'error',
      comment: `core/src/{${layer.join(', ')}} imports only its own layer or those below it (see CORE_LAYERS).`,
      from: { path: core(layer), pathNot: notTests },
      to: { path: core(CORE_LAYERS.slice(index + 1).flat()) },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.tsc)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['kubeship-source', 'import', 'types', 'default'],
      extensions: ['.ts', '.js'],
      exportsFields: ['exports'],
    },
  },
};
