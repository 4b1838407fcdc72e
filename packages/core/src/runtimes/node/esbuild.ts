import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { LambdaPackageError } from '../../errors';
import type { FunctionBuildRequest } from '../types';
import type { EntryPoint } from './entry';
import { bundleFileName, esbuildTarget, NodeBuildOptions } from './options';

/**
 * ESM bundles of CommonJS packages call `require` (for builtins and externals); ESM has none,
 * so the bundle gets one made with createRequire, under a name user code will not declare.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __nxLambdaCreateRequire } from 'node:module';\nconst require = __nxLambdaCreateRequire(import.meta.url);";

/**
 * Output folder esbuild computes paths against. Nothing is written there (write: false): it only
 * makes source-map paths relative to the project (`../src/handler.ts`), the same on every machine.
 */
const VIRTUAL_OUTDIR = '.nx-lambda-bundle';

export interface NativeImport {
  /** The `.node` file as imported. */
  path: string;
  /** Absolute path of the importing file. */
  importer: string;
}

export interface BundleOutcome {
  /** Files of the bundle, by name relative to the zip root: `index.mjs`, `index.mjs.map`. */
  files: { name: string; contents: Uint8Array }[];
  metafile: esbuild.Metafile;
  /** Metafile key of the bundle's JavaScript output. */
  outputKey: string;
  nativeImports: NativeImport[];
  warnings: string[];
}

/** tsconfig esbuild reads for path aliases: the option, the project's own, else the workspace base. */
export async function tsconfigFor(request: FunctionBuildRequest, options: NodeBuildOptions): Promise<string | undefined> {
  if (options.tsConfig) return options.tsConfig;
  const candidates = ['tsconfig.app.json', 'tsconfig.json'].map((f) => path.posix.join(request.projectRoot, f));
  candidates.push('tsconfig.base.json');
  for (const rel of candidates) if (await fsp.stat(path.join(request.workspaceRoot, rel)).catch(() => undefined)) return rel;
  return undefined;
}

/** Native addons cannot be bundled: note each `.node` import and keep it out of the bundle. */
function nativeAddonRecorder(found: NativeImport[]): esbuild.Plugin {
  return {
    name: 'nx-lambda-native-addons',
    setup(build) {
      build.onResolve({ filter: /\.node$/ }, (args) => {
        found.push({ path: args.path, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
}

const LAYER_NAMESPACE = 'nx-lambda-layer';

/**
 * Node's ES module loader ignores NODE_PATH, which is how Lambda exposes layers
 * (/opt/nodejs/node_modules). In an ESM bundle, each package a layer supplies is therefore a small
 * CommonJS shim, `module.exports = require('<pkg>')`, whose require is the banner's createRequire:
 * CommonJS resolution, which does read NODE_PATH. esbuild's interop keeps default and named imports.
 */
function requireFromLayers(names: readonly string[]): esbuild.Plugin {
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const filter = new RegExp(`^(?:${escaped.join('|')})(?:/.*)?$`);
  return {
    name: 'nx-lambda-layer-require',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === LAYER_NAMESPACE ? { path: args.path, external: true } : { path: args.path, namespace: LAYER_NAMESPACE });
      build.onLoad({ filter: /.*/, namespace: LAYER_NAMESPACE }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});\n`, loader: 'js' }));
    },
  };
}

/**
 * Stops esbuild's service process and waits until it is gone; the next bundle starts a new one.
 * esbuild only signals it: a process that exits right after would leave it to init, and a
 * caller that waits for our process tree (Nx's batch runner) would wait for its grace period.
 */
export async function stopBundler(): Promise<void> {
  const before = await childPids();
  await esbuild.stop();
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && (await childPids()).some((pid) => before.includes(pid))) await new Promise((r) => setTimeout(r, 10));
}

/** Our live child processes (Linux /proc); elsewhere none are known and nothing is waited for. */
async function childPids(): Promise<number[]> {
  const tasks = await fsp.readdir('/proc/self/task').catch(() => [] as string[]);
  const lists = await Promise.all(tasks.map((t) => fsp.readFile(`/proc/self/task/${t}/children`, 'utf8').catch(() => '')));
  return lists.join(' ').split(/\s+/).filter(Boolean).map(Number);
}

function formatMessage(m: esbuild.Message): string {
  const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
  return `${at}${m.text}`;
}

/** Bundles the entry in memory with esbuild's JS API; esbuild's own errors become LambdaPackageErrors. */
export async function bundle(request: FunctionBuildRequest, entry: EntryPoint, options: NodeBuildOptions, externals: readonly string[], fromLayers: readonly string[] = []): Promise<BundleOutcome> {
  const esm = options.format === 'esm';
  // CommonJS output requires externals, which already honours NODE_PATH; ESM needs the shims.
  const layerShims = esm && fromLayers.length ? [requireFromLayers(fromLayers)] : [];
  const external = esm ? externals.filter((e) => !fromLayers.some((n) => e === n || e === `${n}/*`)) : [...externals, ...fromLayers.flatMap((n) => [n, `${n}/*`])];
  const outdir = path.posix.join(request.projectRoot, VIRTUAL_OUTDIR);
  const nativeImports: NativeImport[] = [];
  const tsconfig = await tsconfigFor(request, options);
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build({
      absWorkingDir: request.workspaceRoot,
      entryPoints: [{ in: entry.file, out: 'index' }],
      outdir,
      bundle: true,
      platform: 'node',
      target: esbuildTarget(request.runtime),
      format: options.format,
      ...(esm ? { outExtension: { '.js': '.mjs' }, banner: { js: ESM_REQUIRE_BANNER } } : {}),
      mainFields: esm ? ['module', 'main'] : ['main', 'module'],
      external,
      minify: options.minify,
      sourcemap: options.sourcemap === 'external' ? 'external' : options.sourcemap ? 'linked' : false,
      ...(tsconfig ? { tsconfig } : {}),
      charset: 'utf8',
      metafile: true,
      write: false,
      logLevel: 'silent',
      plugins: [...layerShims, nativeAddonRecorder(nativeImports)],
    });
  } catch (err) {
    throw bundleError(request, entry, err);
  }
  const outdirAbs = path.join(request.workspaceRoot, outdir);
  const files = result.outputFiles
    .map((f) => ({ name: path.relative(outdirAbs, f.path).split(path.sep).join('/'), contents: f.contents }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const outputKey = path.posix.join(outdir, bundleFileName(options.format));
  if (!result.metafile.outputs[outputKey]) {
    throw new LambdaPackageError('node:bundle', `${request.projectName}: esbuild wrote no ${bundleFileName(options.format)}`,
      Object.keys(result.metafile.outputs).map((k) => `output: ${k}`));
  }
  return { files, metafile: result.metafile, outputKey, nativeImports, warnings: result.warnings.map(formatMessage) };
}

function bundleError(request: FunctionBuildRequest, entry: EntryPoint, err: unknown): Error {
  const errors = (err as esbuild.BuildFailure).errors;
  if (!Array.isArray(errors)) return err as Error;
  const details = errors.slice(0, 20).map(formatMessage);
  const unresolved = errors.map((e) => /^Could not resolve "([^"]+)"/.exec(e.text)?.[1]).filter((s): s is string => !!s);
  if (unresolved.length) {
    const first = unresolved[0];
    const bare = !first.startsWith('.') && !first.startsWith('/');
    return new LambdaPackageError('node:bundle', `${request.projectName}: cannot resolve import "${first}"${unresolved.length > 1 ? ` (and ${unresolved.length - 1} more)` : ''}`, details,
      bare
        ? `install "${first}" at the workspace root (npm install ${first}) so the lockfile pins it, or add it to "external" if the Lambda runtime or a layer provides it`
        : `fix the import path in the file named above (from ${entry.file})`);
  }
  return new LambdaPackageError('node:bundle', `${request.projectName}: esbuild failed with ${errors.length} error${errors.length === 1 ? '' : 's'}`, details,
    `fix the error above in ${request.projectRoot}`);
}
