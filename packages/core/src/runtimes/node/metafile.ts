import { promises as fsp } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';

/** One npm package whose files esbuild put into the bundle. */
export interface BundledPackage {
  name: string;
  version: string;
  /** Package folder relative to the workspace root: `node_modules/ms`; also its lockfile key. */
  dir: string;
  /** Bytes its files contribute to the bundle. */
  bytesInOutput: number;
  files: number;
}

/** Package folder of a metafile input path: up to the last `node_modules/<name>` (`<@scope>/<name>`). */
export function packageDirOfInput(input: string): string | undefined {
  const clean = input.replace(/^\([a-z]+\):/, '');
  const i = clean.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const rest = clean.slice(i + 'node_modules/'.length).split('/');
  const nameParts = rest[0]?.startsWith('@') ? 2 : 1;
  if (rest.length <= nameParts) return undefined;
  return clean.slice(0, i + 'node_modules/'.length) + rest.slice(0, nameParts).join('/');
}

/** npm packages in one output, with the version their package.json declares and their bytes in the bundle. */
export async function bundledPackages(workspaceRoot: string, metafile: Metafile, outputKey: string): Promise<BundledPackage[]> {
  const byDir = new Map<string, { bytes: number; files: number }>();
  for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[outputKey].inputs)) {
    const dir = packageDirOfInput(input);
    if (!dir) continue;
    const acc = byDir.get(dir) ?? { bytes: 0, files: 0 };
    acc.bytes += bytesInOutput;
    acc.files += 1;
    byDir.set(dir, acc);
  }
  const out: BundledPackage[] = [];
  for (const [dir, acc] of [...byDir].sort(([a], [b]) => a.localeCompare(b))) {
    const pkg = await readPackageJson(path.join(workspaceRoot, dir));
    out.push({ name: pkg?.name ?? dir.slice(dir.lastIndexOf('node_modules/') + 13), version: pkg?.version ?? '0.0.0', dir, bytesInOutput: acc.bytes, files: acc.files });
  }
  return out;
}

/**
 * Workspace files the bundle read from outside `projectRoot`: esbuild's input paths (relative to
 * the workspace root, its working dir), not in node_modules, not in a virtual namespace
 * (`(disabled):`, the layer shims' `nx-lambda-layer:`), not outside the workspace.
 */
export function sourcesOutside(metafile: Metafile, projectRoot: string): string[] {
  const root = projectRoot === '.' ? '' : projectRoot.replace(/\/+$/, '');
  return Object.keys(metafile.inputs).map((input) => input.replace(/\\/g, '/')).filter((input) =>
    root !== '' && !input.startsWith(`${root}/`) && !/^(\([a-z-]+\)|[a-z][\w-]*):/i.test(input) && !input.startsWith('../') && !path.posix.isAbsolute(input) &&
    !input.split('/').includes('node_modules')).sort();
}

export async function readPackageJson(dir: string): Promise<{ name?: string; version?: string; gypfile?: boolean } | undefined> {
  const text = await fsp.readFile(path.join(dir, 'package.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : JSON.parse(text);
}

const BUILTINS = new Set(builtinModules);

/** Imports left external in the bundle (node builtins aside): what must come from the runtime, a layer or node_modules. */
export function externalImports(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external || imp.path.startsWith('node:') || BUILTINS.has(imp.path) || imp.path.endsWith('.node')) continue;
      found.add(imp.path);
    }
  }
  return [...found].sort();
}

/** Why a package cannot be bundled: it builds or ships a native addon. Undefined when none is seen. */
export async function nativeAddonMarker(packageDir: string): Promise<string | undefined> {
  // The scan walks the package's folders; a batch bundling the same package for many functions
  // scans it once (a reinstall rewrites package.json, which changes the key).
  const stat = await fsp.stat(path.join(packageDir, 'package.json')).catch(() => undefined);
  const key = `${packageDir}\0${stat?.mtimeMs}:${stat?.size}`;
  const known = addonMarkers.get(key);
  if (known) return known.marker;
  const marker = await scanForNativeAddon(packageDir);
  addonMarkers.set(key, { marker });
  return marker;
}

const addonMarkers = new Map<string, { marker: string | undefined }>();

async function scanForNativeAddon(packageDir: string): Promise<string | undefined> {
  const pkg = await readPackageJson(packageDir);
  if (pkg?.gypfile) return 'package.json has "gypfile": true';
  if (await fsp.stat(path.join(packageDir, 'binding.gyp')).catch(() => undefined)) return 'it has a binding.gyp';
  const addon = await findDotNode(packageDir, '', 4);
  return addon ? `it ships ${addon}` : undefined;
}

/**
 * The first `.node` file (in path order) within `depth` folder levels, node_modules aside. Each
 * level's folders are read at once: a big package (date-fns: 200 folders) is one wait per level.
 */
async function findDotNode(root: string, rel: string, depth: number): Promise<string | undefined> {
  let level = [rel];
  const found: string[] = [];
  for (let d = 0; d <= depth && level.length && !found.length; d++) {
    const listed = await Promise.all(level.map(async (dir) => ({ dir, entries: await fsp.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []) })));
    const next: string[] = [];
    for (const { dir, entries } of listed) {
      for (const e of entries) {
        const childRel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isFile() && e.name.endsWith('.node')) found.push(childRel);
        else if (e.isDirectory() && e.name !== 'node_modules') next.push(childRel);
      }
    }
    level = next;
  }
  return found.sort()[0];
}

/** Export names of a CommonJS bundle: esbuild annotates them for Node's ESM loader as `0 && (module.exports = { a, b })`. */
export function annotatedCommonJsExports(code: string): string[] | undefined {
  const all = [...code.matchAll(/0\s*&&\s*\(module\.exports\s*=\s*\{([^}]*)\}\s*\)/g)];
  const m = all[all.length - 1];
  if (!m) return undefined;
  return m[1].split(',').map((part) => part.split(':')[0].trim().replace(/^["']|["']$/g, '')).filter(Boolean);
}
