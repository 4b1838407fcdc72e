import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { copyTree, notFunctionSource, outsideSources } from '../../package/stage';
import { dependencyKey } from '../types';
import type { BuildContext, BuildResult, DependencyRecord, ExcludePlan, ResolvedDependency, RuntimeStrategy } from '../types';
import { BundledGem, BundleListing, installBundle } from './bundler';
import { installedGemSize, resolvedGem, stageGems } from './gem-staging';
import { checkRubyHandler } from './handler-check';
import { writePackagedBundle } from './packaged-bundle';
import { functionGemDir, layerGemDir, RUBY_ABI, RubyTarget } from './target';

/** Runtime options of the ruby executor (normalised by the plugin). */
export interface RubyRuntimeOptions {
  /** Bundler groups left out of the package. Default `development`, `test`. */
  bundleWithout: readonly string[];
}

export const DEFAULT_BUNDLE_WITHOUT = ['development', 'test'] as const;

/** Project files that are build input, not function code: never copied as source. */
const NOT_SOURCE = new Set(['vendor/bundle', 'vendor/cache', '.bundle', 'Gemfile', 'Gemfile.lock', 'project.json', 'lambda.json', 'spec', 'test']);

function rubyOptions(ctx: BuildContext): RubyRuntimeOptions {
  const w = ctx.request.options.bundleWithout;
  return { bundleWithout: Array.isArray(w) ? w.map(String) : [...DEFAULT_BUNDLE_WITHOUT] };
}

function rubyTarget(ctx: BuildContext): RubyTarget {
  const { runtime, architecture } = ctx.request;
  return { runtime, abi: RUBY_ABI[runtime], architecture };
}

const projectDirOf = (ctx: BuildContext) => path.join(ctx.request.workspaceRoot, ctx.request.projectRoot);

/** One install per build: resolve() and build() (or buildLayer()) share it. */
const installs = new WeakMap<BuildContext, Promise<BundleListing | undefined>>();

function bundleOf(ctx: BuildContext): Promise<BundleListing | undefined> {
  let pending = installs.get(ctx);
  if (!pending) {
    const projectDir = projectDirOf(ctx);
    pending = existsSync(path.join(projectDir, 'Gemfile'))
      ? installBundle(ctx, { projectDir, scratchDir: path.join(ctx.workDir, 'bundler'), without: rubyOptions(ctx).bundleWithout })
      : Promise.resolve(undefined);
    installs.set(ctx, pending);
  }
  return pending;
}

function toolchain(listing: BundleListing | undefined): Record<string, string> {
  return listing ? { ruby: listing.ruby, bundler: listing.bundler } : {};
}

function reasonFor(source: string, remote: string | undefined): string {
  if (source === 'path') return `workspace gem (path: ${remote}), installed as a gem`;
  if (source === 'git') return 'git gem, installed as a gem';
  return 'installed by bundler';
}

async function buildFunction(ctx: BuildContext, plan: ExcludePlan): Promise<BuildResult> {
  const projectDir = projectDirOf(ctx);
  const target = rubyTarget(ctx);
  const elsewhere = notFunctionSource(projectDir, ctx.request.outputPath);
  const outside = outsideSources(projectDir, ctx.request.workspaceRoot);
  await copyTree(projectDir, ctx.stagingDir, { skip: (rel, isDir) => NOT_SOURCE.has(rel) || elsewhere(rel, isDir), onFile: outside.onFile });
  const listing = await bundleOf(ctx);
  if (!listing) return { dependencies: [], toolchain: {}, sourcesOutsideProject: outside.files, notes: { gemPath: functionGemDir(target.abi), gems: 'no Gemfile: no gems' } };
  const layered = (g: BundledGem) => plan.providedBy.get(dependencyKey(resolvedGem(g, target)));
  const own = listing.specs.filter((g) => !layered(g));
  const staged = await stageGems(ctx, listing, own, path.join(ctx.stagingDir, functionGemDir(target.abi)), target);
  const without = rubyOptions(ctx).bundleWithout;
  await writePackagedBundle(ctx, projectDir, listing.specs, target.abi, without);
  const dependencies: DependencyRecord[] = [
    ...staged.map(({ gem, size }) => ({ ...resolvedGem(gem, target, size), location: 'function', reason: reasonFor(gem.source, gem.remote) })),
    ...listing.specs.filter(layered).map((gem) => ({ ...resolvedGem(gem, target), location: layered(gem)!, reason: `supplied by layer ${layered(gem)}` })),
  ];
  return {
    dependencies,
    toolchain: toolchain(listing),
    sourcesOutsideProject: outside.files,
    notes: { gemPath: functionGemDir(target.abi), abi: target.abi, bundleWithout: without, localRuby: listing.abi },
  };
}

async function buildLayer(ctx: BuildContext, deps: readonly ResolvedDependency[]): Promise<BuildResult> {
  const target = rubyTarget(ctx);
  const listing = await bundleOf(ctx);
  const wanted = new Set(deps.map(dependencyKey));
  const gems = (listing?.specs ?? []).filter((g) => wanted.has(dependencyKey(resolvedGem(g, target))));
  if (gems.length !== wanted.size) {
    const have = new Set(gems.map((g) => dependencyKey(resolvedGem(g, target))));
    throw new LambdaPackageError('ruby:layer', `${ctx.request.projectName}: the bundle lacks gems the layer should hold`,
      [...wanted].filter((k) => !have.has(k)).map((k) => `missing: ${k}`), `run bundle install in ${ctx.request.projectRoot} (its Gemfile.lock must pin these gems), then run the layer target again`);
  }
  const staged = listing ? await stageGems(ctx, listing, gems, path.join(ctx.stagingDir, layerGemDir(target.abi)), target) : [];
  return {
    dependencies: staged.map(({ gem, size }) => ({ ...resolvedGem(gem, target, size), location: 'layer', reason: reasonFor(gem.source, gem.remote) })),
    toolchain: toolchain(listing),
    notes: { gemPath: `/opt/${layerGemDir(target.abi)}` },
  };
}

export const RubyStrategy: RuntimeStrategy = {
  family: 'ruby',
  lambdaRuntimes: Object.keys(RUBY_ABI),
  layerRoot: (runtime) => layerGemDir(RUBY_ABI[runtime]),
  /**
   * The gems a layer may take: registry and git gems, with their installed sizes. A workspace gem
   * (Gemfile `path:`) is the workspace's own code, like a Python workspace library: it stays in each
   * function, so a change to it re-packages the functions that use it and never a layer.
   */
  async resolve(ctx) {
    const listing = await bundleOf(ctx);
    const target = rubyTarget(ctx);
    const layerable = (listing?.specs ?? []).filter((g) => g.source !== 'path');
    return Promise.all(layerable.map(async (g) => resolvedGem(g, target, await installedGemSize(g, listing!))));
  },
  build: buildFunction,
  checkHandler: checkRubyHandler,
  buildLayer,
  // The gems come from each function's own bundle (its Gemfile.lock and vendor/cache): a layer
  // project has no Gemfile of its own.
  layerFromFunctionBuilds: true,
};
