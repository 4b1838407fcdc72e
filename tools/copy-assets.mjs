// Copies the non-TypeScript files that code loads at run time (bootstrap shims, tool scripts)
// from packages/*/src into packages/*/dist, keeping their paths. Specs, fixtures and test support
// stay behind; schema.json and generator templates are read from src by Nx.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SKIP_DIRS = new Set(['fixtures', 'test-support', 'node_modules', 'files', 'obj', 'bin']);
const ASSET = /\.(py|rb|ps1|psm1|psd1|mjs|cjs|cs|csproj|java|go|sh|txt|json)$/;

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    if (statSync(abs).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(abs, out);
    } else if (ASSET.test(name) && !name.endsWith('.spec.ts') && name !== 'schema.json' && name !== 'tsconfig.json') out.push(abs);
  }
  return out;
}

let copied = 0;
for (const pkg of ['core', 'plugin']) {
  const src = join(root, 'packages', pkg, 'src');
  const dist = join(root, 'packages', pkg, 'dist');
  if (!existsSync(src)) continue;
  for (const file of walk(src, [])) {
    cpSync(file, join(dist, relative(src, file)));
    copied++;
  }
}
console.log(`copy-assets: ${copied} files`);
