import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { LambdaPackageError } from '../../errors';
import type { FunctionBuildRequest } from '../types';
import type { EntryPoint } from './entry';
import { bundleFileName, esbuildTarget, NodeBuildOptions, ResolvedNodeOptions } from './options';

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
  prebundled.clear();
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

/** One function's bundle as esbuild is asked for it; `prebundle` builds many of these in one run. */
export interface BundleJob {
  request: FunctionBuildRequest;
  entry: EntryPoint;
  /** Format settled (`withResolvedFormat`): jobs, their shared runs and `jobKey` see esm or cjs, never auto. */
  options: ResolvedNodeOptions;
  externals: readonly string[];
  fromLayers: readonly string[];
}

type SharedOptions = esbuild.BuildOptions & { metafile: true; write: false; plugins: esbuild.Plugin[] };

/**
 * The esbuild options of a job except its entry, output folder and native-addon recorder (one per
 * run, see `withRecorder`): jobs with equal options share one run.
 */
async function sharedOptions(job: BundleJob): Promise<SharedOptions> {
  const { request, options, externals, fromLayers } = job;
  const esm = options.format === 'esm';
  // CommonJS output requires externals, which already honours NODE_PATH; ESM needs the shims.
  const layerShims = esm && fromLayers.length ? [requireFromLayers(fromLayers)] : [];
  const external = esm ? externals.filter((e) => !fromLayers.some((n) => e === n || e === `${n}/*`)) : [...externals, ...fromLayers.flatMap((n) => [n, `${n}/*`])];
  const tsconfig = await tsconfigFor(request, options);
  return {
    absWorkingDir: request.workspaceRoot,
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
    plugins: layerShims,
  };
}

/** A run's options with the plugin that records its native-addon imports into `found`. */
const withRecorder = (options: SharedOptions, found: NativeImport[]): SharedOptions => ({ ...options, plugins: [...options.plugins, nativeAddonRecorder(found)] });

/** Where a job's bundle is written (virtually), relative to the workspace root. */
const outdirOf = (job: BundleJob) => path.posix.join(job.request.projectRoot, VIRTUAL_OUTDIR);

/** Bundles the entry in memory with esbuild's JS API; esbuild's own errors become LambdaPackageErrors. */
export async function bundle(request: FunctionBuildRequest, entry: EntryPoint, options: ResolvedNodeOptions, externals: readonly string[], fromLayers: readonly string[] = []): Promise<BundleOutcome> {
  const job: BundleJob = { request, entry, options, externals, fromLayers };
  const prepared = takePrebundled(job);
  if (prepared) return prepared;
  const nativeImports: NativeImport[] = [];
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build({ ...withRecorder(await sharedOptions(job), nativeImports), entryPoints: [{ in: entry.file, out: 'index' }], outdir: outdirOf(job) });
  } catch (err) {
    throw bundleError(request, entry, err, await baseAliasHint(request, options, err));
  }
  return outcomeOf(job, result.outputFiles, result.metafile, nativeImports, result.warnings.map(formatMessage));
}

function outcomeOf(job: BundleJob, outputFiles: readonly esbuild.OutputFile[], metafile: esbuild.Metafile, nativeImports: NativeImport[], warnings: string[]): BundleOutcome {
  const { request, options } = job;
  const outdirAbs = path.join(request.workspaceRoot, outdirOf(job));
  const files = outputFiles
    .map((f) => ({ name: path.relative(outdirAbs, f.path).split(path.sep).join('/'), contents: f.contents }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const outputKey = path.posix.join(outdirOf(job), bundleFileName(options.format));
  if (!metafile.outputs[outputKey]) {
    throw new LambdaPackageError('node:bundle', `${request.projectName}: esbuild wrote no ${bundleFileName(options.format)}`,
      Object.keys(metafile.outputs).map((k) => `output: ${k}`));
  }
  return { files, metafile, outputKey, nativeImports, warnings };
}

/** Bundles prepared by `prebundle`, by job; each is taken once. */
const prebundled = new Map<string, BundleOutcome>();

function jobKey(job: BundleJob): string {
  return JSON.stringify([job.request.workspaceRoot, job.request.projectRoot, job.request.runtime, job.entry.file, job.options, job.externals, job.fromLayers]);
}

function takePrebundled(job: BundleJob): BundleOutcome | undefined {
  const key = jobKey(job);
  const found = prebundled.get(key);
  prebundled.delete(key);
  return found;
}

/**
 * Bundles many functions with one esbuild run per group of equal options: the packages they share
 * are read and parsed once. Each function's files and metafile are exactly those of its own build
 * (without code splitting esbuild links every entry on its own; the tests compare the bytes).
 * A group that fails is dropped: its functions bundle alone and report their own errors.
 * Returns how many functions were prepared.
 */
export async function prebundle(jobs: readonly BundleJob[]): Promise<number> {
  prebundled.clear();
  const groups = new Map<string, { options: SharedOptions; group: BundleJob[] }>();
  for (const job of jobs) {
    const options = await sharedOptions(job);
    // Plugins are functions (not compared); the layer shims they hold follow from fromLayers.
    const key = JSON.stringify(options, (k, v) => (k === 'plugins' ? undefined : v)) + JSON.stringify(job.fromLayers);
    const known = groups.get(key);
    if (known) known.group.push(job);
    else groups.set(key, { options, group: [job] });
  }
  const sizes = await Promise.all([...groups.values()].filter(({ group }) => group.length > 1).map(async ({ options, group }): Promise<number> => {
    const nativeImports: NativeImport[] = [];
    let result: esbuild.BuildResult<{ metafile: true; write: false }>;
    try {
      result = await esbuild.build({
        ...withRecorder(options, nativeImports),
        entryPoints: group.map((job) => ({ in: job.entry.file, out: path.posix.join(outdirOf(job), 'index') })),
        outdir: '.',
      });
    } catch {
      return 0;
    }
    for (const job of group) {
      const own = splitMetafile(result.metafile, job.entry.file, outdirOf(job));
      const mine = (file: string | undefined) => file === undefined || own.inputs[file] !== undefined;
      const outdirAbs = path.join(job.request.workspaceRoot, outdirOf(job)) + path.sep;
      prebundled.set(jobKey(job), outcomeOf(job,
        result.outputFiles.filter((f) => f.path.startsWith(outdirAbs)),
        own,
        nativeImports.filter((n) => mine(path.relative(job.request.workspaceRoot, n.importer).split(path.sep).join('/'))),
        result.warnings.filter((w) => mine(w.location?.file)).map(formatMessage)));
    }
    return group.length;
  }));
  return sizes.reduce((a, b) => a + b, 0);
}

/** One entry's part of a shared run's metafile: the inputs reachable from it and its own outputs. */
function splitMetafile(metafile: esbuild.Metafile, entryFile: string, outdir: string): esbuild.Metafile {
  const inputs: esbuild.Metafile['inputs'] = {};
  const queue = [entryFile];
  while (queue.length) {
    const file = queue.pop() as string;
    if (inputs[file] || !metafile.inputs[file]) continue;
    inputs[file] = metafile.inputs[file];
    for (const imp of metafile.inputs[file].imports) if (!imp.external) queue.push(imp.path);
  }
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([key]) => key.startsWith(`${outdir}/`)));
  return { inputs: Object.fromEntries(Object.keys(metafile.inputs).filter((k) => inputs[k]).map((k) => [k, inputs[k]])), outputs };
}

/** The imports esbuild reports it could not resolve, in its order. */
function unresolvedImports(err: unknown): string[] {
  const errors = (err as esbuild.BuildFailure).errors;
  return (Array.isArray(errors) ? errors : []).map((e) => /^Could not resolve "([^"]+)"/.exec(e.text)?.[1]).filter((s): s is string => !!s);
}

/** A package name (or tsconfig alias), not a relative or absolute path. */
const isBareImport = (specifier: string) => !specifier.startsWith('.') && !specifier.startsWith('/');

/**
 * When a bare import esbuild could not resolve is a path alias of the workspace's tsconfig.base.json
 * and the tsconfig esbuild read for the function is another file that does not extend it (a
 * project tsconfig written before the libraries, or by hand), the fix is the extends, not an npm
 * install. A textual look at both files: it only chooses the hint.
 */
async function baseAliasHint(request: FunctionBuildRequest, options: ResolvedNodeOptions, err: unknown): Promise<string | undefined> {
  const specifier = unresolvedImports(err).find(isBareImport);
  const used = specifier === undefined ? undefined : await tsconfigFor(request, options);
  if (specifier === undefined || used === undefined || path.posix.basename(used) === 'tsconfig.base.json') return undefined;
  const read = (rel: string) => fsp.readFile(path.join(request.workspaceRoot, rel), 'utf8').catch(() => '');
  const [base, own] = await Promise.all([read('tsconfig.base.json'), read(used)]);
  if (/"extends"[^\]}]*tsconfig\.base\.json/.test(own)) return undefined;
  const alias = [...base.matchAll(/"([^"\n]+)"\s*:\s*\[/g)].map((m) => m[1]).find((key) => {
    const star = key.indexOf('*');
    return star < 0 ? key === specifier : specifier.length >= key.length - 1 && specifier.startsWith(key.slice(0, star)) && specifier.endsWith(key.slice(star + 1));
  });
  if (alias === undefined) return undefined;
  const extendsPath = path.posix.relative(path.posix.dirname(used), 'tsconfig.base.json');
  return `"${specifier}" is the path alias "${alias}" of tsconfig.base.json, but ${used}, the tsconfig esbuild reads for ${request.projectName}, does not extend it: ` +
    `add "extends": "${extendsPath}" to ${used}, or set "tsConfig" to "tsconfig.base.json" in ${request.projectRoot}/lambda.json`;
}

function bundleError(request: FunctionBuildRequest, entry: EntryPoint, err: unknown, aliasHint?: string): Error {
  const errors = (err as esbuild.BuildFailure).errors;
  if (!Array.isArray(errors)) return err as Error;
  const details = errors.slice(0, 20).map(formatMessage);
  const unresolved = unresolvedImports(err);
  if (unresolved.length) {
    const first = unresolved[0];
    const bare = isBareImport(first);
    return new LambdaPackageError('node:bundle', `${request.projectName}: cannot resolve import "${first}"${unresolved.length > 1 ? ` (and ${unresolved.length - 1} more)` : ''}`, details,
      aliasHint ?? (bare
        ? `install "${first}" at the workspace root (npm install ${first}) so the lockfile pins it, or add it to "external" if the Lambda runtime or a layer provides it`
        : `fix the import path in the file named above (from ${entry.file})`));
  }
  return new LambdaPackageError('node:bundle', `${request.projectName}: esbuild failed with ${errors.length} error${errors.length === 1 ? '' : 's'}`, details,
    `fix the error above in ${request.projectRoot}`);
}
