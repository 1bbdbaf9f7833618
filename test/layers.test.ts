// The layer rule, checked by reading every import: a layer never imports one
// above it (docs/architecture.md), and only the vat layer (and the moderation
// archive's own SQLite store) touches SQLite.
import test from '@endo/ses-ava/prepare-endo.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Lowest first. `harness/` sits beside the public API: the app, tests and benches share it. */
const RANK: Record<string, number> = {
  'captp-transport': 0,
  vat: 1,
  presence: 2,
  unum: 3,
  moderation: 4,
  'index.ts': 5,
  harness: 5,
  'demo-community': 6,
};

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });

/** The top-level folder (or file) a path is in; `index.js` is how sources name `index.ts`. */
const layerOf = (path: string) =>
  relative(ROOT, path)
    .split(sep)[0]!
    .replace(/^index\.js$/, 'index.ts');

/** Every module specifier in a file: static and dynamic imports, re-exports. */
const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map(
    m => m[1]!,
  );

const layered = () =>
  Object.keys(RANK).flatMap(layer =>
    layer.endsWith('.ts') ? [join(ROOT, layer)] : sources(join(ROOT, layer)),
  );

test('the import reader finds static, dynamic and side-effect imports and re-exports', t => {
  const text =
    "import a from '../unum/a.js';\nexport { b } from \"./b.js\";\nimport './lockdown.js';\nconst c = await import('../moderation/c.js');";
  t.deepEqual(importsOf(text), ['../unum/a.js', './b.js', './lockdown.js', '../moderation/c.js']);
});

test('no layer imports a layer above its own', t => {
  const violations: string[] = [];
  for (const file of layered()) {
    const own = RANK[layerOf(file)]!;
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = layerOf(resolve(dirname(file), spec));
      const rank = RANK[target];
      if (rank === undefined)
        violations.push(`${relative(ROOT, file)} imports ${spec}, outside the layers`);
      else if (rank > own)
        violations.push(`${relative(ROOT, file)} (${layerOf(file)}) imports ${spec} (${target})`);
    }
  }
  t.deepEqual(violations, []);
});

test("only the vat layer and the moderation archive's own store use SQLite", t => {
  const allowed = (file: string) =>
    layerOf(file) === 'vat' ||
    relative(ROOT, file) === join('moderation', 'sqlite-archive-store.ts');
  const users = layered().filter(
    file => importsOf(readFileSync(file, 'utf8')).includes('better-sqlite3') && !allowed(file),
  );
  t.deepEqual(
    users.map(f => relative(ROOT, f)),
    [],
  );
});
