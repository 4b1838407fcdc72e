import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeAbandonedTemps, tempNameFor } from '../archive/abandoned-temps';
import { collectTree } from '../archive/collect-tree';
import { ZipReader, verifyZip } from '../archive/zip-reader';
import { writeDeterministicZip, ZipWriteResult } from '../archive/zip-writer';
import { atStep, LambdaPackageError } from '../errors';
import { Exec, exec as realExec } from '../exec';
import { checkLayerCompatibility } from '../layers/compatibility';
import { layerPathClashes } from '../layers/path-clash';
import { BuildContext, dependencyKey, FunctionBuildRequest, RuntimeStrategy } from '../runtimes/types';
import { compileGlobs, DEFAULT_NOISE_EXCLUDES, DEFAULT_SECRET_EXCLUDES, PathMatcher } from './globs';
import { checkLimits } from './limits';
import { commitZipAndManifest, FunctionManifest } from './manifest';
import { copyIncludes } from './stage';

export interface PackageDeps {
  exec?: Exec;
  log?: (message: string) => void;
}

export interface PackageResult {
  zipPath: string;
  manifestPath: string;
  manifest: FunctionManifest;
  /** What the build reported of BuildResult.sourcesOutsideProject (empty when it cannot tell). */
  sourcesOutsideProject: readonly string[];
}

export const FUNCTION_ZIP = 'function.zip';
export const FUNCTION_MANIFEST = 'manifest.json';

/** Excludes applied to every package: noise, secrets (unless allowed) and the user's globs. */
export function packageExcludes(exclude: readonly string[], allowSecrets: readonly string[]): PathMatcher {
  const noise = compileGlobs([...DEFAULT_NOISE_EXCLUDES, ...exclude]);
  const secrets = compileGlobs(DEFAULT_SECRET_EXCLUDES);
  const allowed = compileGlobs(allowSecrets);
  return (rel, isDir) => noise(rel, isDir) || (secrets(rel, isDir) && !allowed(rel, isDir));
}

/** Shared cache folder of one runtime family: outside dist, reused by every function. */
export function familyCacheDir(workspaceRoot: string, family: string): string {
  return path.join(workspaceRoot, '.nx', 'nx-lambda', family);
}

export async function withTempDirs<T>(label: string, fn: (staging: string, work: string) => Promise<T>): Promise<T> {
  const base = await fsp.mkdtemp(path.join(os.tmpdir(), `nx-lambda-${label}-`));
  const staging = path.join(base, 'staging');
  const work = path.join(base, 'work');
  await fsp.mkdir(staging);
  await fsp.mkdir(work);
  try {
    return await fn(staging, work);
  } finally {
    await fsp.rm(base, { recursive: true, force: true });
  }
}

/**
 * Zips a staged folder to a pending file beside `target`, verifies it, runs `accept` on the
 * result (handler check, limits), and only then renames it into place. Any failure removes the
 * pending file and leaves the previous artifact untouched. With `manifestPath`, what `accept`
 * returns is the zip's manifest, committed with it as a pair (commitZipAndManifest).
 */
export async function archiveStaged(
  where: string,
  stagingDir: string,
  target: string,
  opts: { exclude: PathMatcher; level: number; executables?: readonly string[]; prefix?: string; manifestPath?: string },
  accept: (zip: ZipWriteResult, reader: ZipReader, excluded: string[]) => Promise<unknown>,
): Promise<{ zip: ZipWriteResult; excluded: string[] }> {
  const tree = await atStep(`${where}:stage`, () => collectTree(stagingDir, { exclude: opts.exclude, prefix: opts.prefix }));
  const forced = new Set(opts.executables ?? []);
  const entries = tree.entries.map((e) => (forced.has(e.name) ? { ...e, executable: true } : e));
  await removeAbandonedTemps(target);
  const pending = tempNameFor(target, 'pending', randomBytes(4).toString('hex'));
  try {
    const zip = await atStep(`${where}:archive`, () => writeDeterministicZip(pending, entries, { level: opts.level }));
    await atStep(`${where}:verify`, () => verifyZip(pending));
    const reader = await ZipReader.open(pending);
    let manifest: unknown;
    try {
      manifest = await accept(zip, reader, tree.excluded);
    } finally {
      await reader.close();
    }
    if (opts.manifestPath) await commitZipAndManifest(pending, target, opts.manifestPath, manifest);
    else await fsp.rename(pending, target);
    return { zip: { ...zip, path: target }, excluded: tree.excluded };
  } finally {
    await fsp.rm(pending, { force: true });
  }
}

/**
 * The one pipeline every runtime runs:
 * resolve -> build (install, compile, stage) -> include extras -> archive -> verify ->
 * check handler in the final zip -> limits -> commit zip + manifest.
 */
export async function packageFunction(strategy: RuntimeStrategy, request: FunctionBuildRequest, deps: PackageDeps = {}): Promise<PackageResult> {
  const fam = strategy.family;
  if (!strategy.lambdaRuntimes.includes(request.runtime)) {
    throw new LambdaPackageError(`${fam}:options`, `unknown runtime "${request.runtime}" for ${request.projectName}`,
      [`supported: ${strategy.lambdaRuntimes.join(', ')}`], `set "runtime" in ${request.projectRoot}/lambda.json or the target options to one of these`);
  }
  // Dependency layers need a layer root; runtime layers (which supply no dependencies) do not.
  if (request.layers.some((l) => l.provides.length) && !strategy.layerRoot) {
    throw new LambdaPackageError(`${fam}:options`, `${request.projectName} names layers, but ${fam} compiles its dependencies in`,
      [`layers: ${request.layers.map((l) => l.layer).join(', ')}`], 'remove "layers" from this function');
  }
  await checkLayerCompatibility(request, `${fam}:layers`);
  const warnings: string[] = [];
  const log = deps.log ?? (() => undefined);
  return withTempDirs(fam, async (stagingDir, workDir) => {
    const ctx: BuildContext = {
      request, stagingDir, workDir, cacheDir: familyCacheDir(request.workspaceRoot, fam),
      exec: deps.exec ?? realExec, warn: (m) => warnings.push(m), log,
    };
    const resolved = await atStep(`${fam}:resolve`, () => strategy.resolve(ctx));
    const provided = new Map<string, string>();
    for (const layer of request.layers) for (const d of layer.provides) provided.set(dependencyKey(d), layer.layer);
    const providedDeps = request.layers.flatMap((l) => l.provides).filter((d) => resolved.some((r) => dependencyKey(r) === dependencyKey(d)));
    const built = await atStep(`${fam}:build`, () => strategy.build(ctx, { provided: providedDeps, providedBy: provided }));
    const includedOutside = await atStep(`${fam}:include`, () => copyIncludes(path.join(request.workspaceRoot, request.projectRoot), request.include, stagingDir, request.workspaceRoot));
    await fsp.mkdir(request.outputPath, { recursive: true });
    const target = path.join(request.outputPath, FUNCTION_ZIP);
    const manifestPath = path.join(request.outputPath, FUNCTION_MANIFEST);
    let manifest!: FunctionManifest;
    const { zip } = await archiveStaged(fam, stagingDir, target, {
      exclude: packageExcludes(request.exclude, request.allowSecrets), level: request.compressionLevel, executables: built.executables, manifestPath,
    }, async (written, reader, excluded) => {
      const files = new Set(reader.fileNames);
      for (const layer of request.layers) {
        const clash = layerPathClashes(strategy.layerRoot?.(request.runtime), layer.paths ?? [], files);
        if (clash.length) {
          throw new LambdaPackageError(`${fam}:layers`, `${request.projectName} and layer ${layer.layer} both supply ${clash[0]}`,
            clash.slice(0, 10).map((p) => `path: ${p}`), 'remove the file from the function or the dependency from the layer plan');
        }
      }
      const check = await atStep(`${fam}:handler`, () => strategy.checkHandler(ctx, { root: stagingDir, files, zip: reader }));
      if (!check.ok) {
        throw new LambdaPackageError(`${fam}:handler`, `${request.projectName}: handler "${request.handler}" ${check.problem}`, check.details ?? [], check.hint);
      }
      warnings.push(...checkLimits({ where: `${fam}:limits`, zippedSize: written.zippedSize, unzippedSize: written.unzippedSize, layers: request.layers }, request.limits));
      manifest = {
        name: request.projectName, family: fam, runtime: request.runtime, handler: typeof built.notes?.lambdaHandler === 'string' ? built.notes.lambdaHandler : request.handler, architecture: request.architecture,
        codeSha256: written.codeSha256, sha256: written.sha256, zippedSize: written.zippedSize, unzippedSize: written.unzippedSize,
        fileCount: written.fileCount,
        dependencies: [...built.dependencies].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version)),
        layers: request.layers.map((l) => l.layer),
        ...(request.layers.some((l) => l.artifactDir) ? { layerArtifacts: Object.fromEntries(request.layers.filter((l) => l.artifactDir).map((l) => [l.layer, l.artifactDir!])) } : {}),
        toolchain: built.toolchain, warnings, excluded, ...(built.notes ? { notes: built.notes } : {}),
      };
      return manifest;
    });
    return { zipPath: zip.path, manifestPath, manifest, sourcesOutsideProject: [...new Set([...(built.sourcesOutsideProject ?? []), ...includedOutside])] };
  });
}
