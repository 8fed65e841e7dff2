// The API report: every name each published package exports, with its kind and shape (a
// function's signature, a constant's type, an interface's members), snapshot-tested, so that a
// change of the public surface is a visible, reviewed diff of scripts/api/*.api.txt.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each published entry point: the package's `exports` subpaths, by their source file. */
const ENTRIES = {
  '@kubeship/manifests': 'packages/manifests/src/index.ts',
  '@kubeship/core': 'packages/core/src/index.ts',
  '@kubeship/core/auth': 'packages/core/src/auth/index.ts',
  '@kubeship/core/environment': 'packages/core/src/environment/plan.ts',
  '@kubeship/codebuild-runner': 'packages/codebuild-runner/src/index.ts',
} as const;

const program = ts.createProgram(
  Object.values(ENTRIES).map((file) => join(root, file)),
  {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    exactOptionalPropertyTypes: true,
    customConditions: ['kubeship-source'],
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();
const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function describeSymbol(exported: ts.Symbol): string {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const declaration = symbol.declarations?.[0];
  const kinds: string[] = [];
  if (symbol.flags & ts.SymbolFlags.Class) kinds.push('class');
  if (symbol.flags & ts.SymbolFlags.Function) kinds.push('function');
  if (symbol.flags & ts.SymbolFlags.Variable) kinds.push('const');
  if (symbol.flags & ts.SymbolFlags.Interface) kinds.push('interface');
  if (symbol.flags & ts.SymbolFlags.TypeAlias) kinds.push('type');
  const kind = kinds.join('+') || 'other';
  if (!declaration) return `${exported.name}: ${kind}`;
  if (kinds.includes('function') || kinds.includes('const')) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    return `${exported.name}: ${kind} ${checker.typeToString(type, undefined, flags)}`;
  }
  if (kinds.includes('interface') || kinds.includes('class')) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const members = checker
      .getPropertiesOfType(type)
      .map((p) => `${p.name}${p.flags & ts.SymbolFlags.Optional ? '?' : ''}`)
      .sort();
    return `${exported.name}: ${kind} { ${members.join(', ')} }`;
  }
  return `${exported.name}: ${kind}`;
}

function apiReport(file: string): string {
  const source = program.getSourceFile(join(root, file));
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${file}: not a module`);
  const lines = checker
    .getExportsOfModule(module)
    .map(describeSymbol)
    .sort((a, b) => a.localeCompare(b, 'en'));
  return `${lines.join('\n')}\n`;
}

describe('the public API of each package (scripts/api/*.api.txt)', () => {
  // the first report type-checks the packages: seconds on an idle machine, more on a loaded one
  it.each(Object.entries(ENTRIES))('%s', { timeout: 120_000 }, async (name, file) => {
    await expect(apiReport(file)).toMatchFileSnapshot(
      `api/${name.replace(/^@kubeship\//, '').replace('/', '-')}.api.txt`,
    );
  });
});
