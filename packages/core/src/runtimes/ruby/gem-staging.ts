import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { copyTree, treeSize } from '../../package/stage';
import type { BuildContext, ResolvedDependency } from '../types';
import type { BundledGem, BundleListing } from './bundler';
import { GEM_CPU, platformFits, RubyTarget } from './target';

/** Platform key the layer planner groups on: `any` for pure gems. */
export function gemPlatformKey(gem: BundledGem, target: RubyTarget): string {
  if (gem.platform !== 'ruby') return gem.platform;
  return gem.extensions.length ? `${GEM_CPU[target.architecture]}-linux-ruby${target.abi}` : 'any';
}

/**
 * A gem with a C extension compiled here runs on Lambda only if this Ruby has the target's ABI
 * and this machine its CPU; a precompiled platform gem only if built for Linux on that CPU.
 */
export function assertRunsOnLambda(ctx: BuildContext, gem: BundledGem, listing: BundleListing, target: RubyTarget): void {
  const { projectName, runtime } = ctx.request;
  const lambdaPlatform = `${GEM_CPU[target.architecture]}-linux`;
  if (gem.platform !== 'ruby' && !platformFits(gem.platform, target.architecture)) {
    throw new LambdaPackageError('ruby:install', `${projectName}: gem ${gem.fullName} is built for ${gem.platform}, not Lambda's ${lambdaPlatform}`,
      [`runtime: ${runtime} (${target.architecture})`],
      `add the platform to the lockfile (\`bundle lock --add-platform ${lambdaPlatform}\`) so bundler picks the ${lambdaPlatform} build`);
  }
  if (gem.platform === 'ruby' && gem.extensions.length) {
    const fits = listing.abi === target.abi && platformFits(listing.platform, target.architecture);
    if (!fits) {
      throw new LambdaPackageError('ruby:install', `${projectName}: gem ${gem.fullName} has a native extension, compiled here for Ruby ${listing.abi} on ${listing.platform}; Lambda's ${runtime} needs Ruby ${target.abi} on ${lambdaPlatform}`,
        [`extensions: ${gem.extensions.join(', ')}`],
        `use a precompiled gem (\`bundle lock --add-platform ${lambdaPlatform}\`, if ${gem.name} publishes one), package with Ruby ${target.abi.replace(/\.0$/, '')} on Linux ${target.architecture} (e.g. in the public.ecr.aws/sam/build-${runtime} image), or drop ${gem.name}`);
    }
  }
}

/** Where bundler built a gem's C extension in the scratch install. */
const builtExtensionDir = (gem: BundledGem, listing: BundleListing) =>
  path.join(listing.bundlePath, 'ruby', listing.abi, 'extensions', listing.platform, listing.abi, gem.fullName);

/** Copies one gem into `gemDir` (a GEM_PATH folder) as an installed gem: gems/, specifications/, extensions/. */
async function stageGem(gem: BundledGem, listing: BundleListing, gemDir: string, abi: string): Promise<number> {
  const dest = path.join(gemDir, 'gems', gem.fullName);
  const specDest = path.join(gemDir, 'specifications', `${gem.fullName}.gemspec`);
  await fsp.mkdir(path.dirname(specDest), { recursive: true });
  if (gem.source === 'rubygems') {
    await copyTree(gem.dir, dest);
    await fsp.copyFile(gem.specFile!, specDest);
    if (gem.extensions.length && gem.platform === 'ruby') {
      await copyTree(builtExtensionDir(gem, listing), path.join(gemDir, 'extensions', listing.platform, abi, gem.fullName));
    }
  } else {
    // Workspace (path) and git gems become installed gems: their gemspec's files plus the spec,
    // so a plain `require` finds them on Lambda's GEM_PATH like any registry gem.
    for (const file of gem.files ?? []) {
      await fsp.mkdir(path.dirname(path.join(dest, file)), { recursive: true });
      await fsp.copyFile(path.join(gem.dir, file), path.join(dest, file));
    }
    await fsp.mkdir(dest, { recursive: true });
    await fsp.writeFile(specDest, gem.gemspec!);
    // A gemspec beside the files lets a rewritten `path:` source in the packaged Gemfile load it.
    await fsp.writeFile(path.join(dest, `${gem.name}.gemspec`), gem.gemspec!);
  }
  return (await treeSize(dest)) + (await fsp.stat(specDest)).size;
}

export interface StagedGem {
  gem: BundledGem;
  size: number;
}

/** Stages the given gems of a bundle into `gemDir`, checking first that each can run on Lambda. */
export async function stageGems(ctx: BuildContext, listing: BundleListing, gems: readonly BundledGem[], gemDir: string, target: RubyTarget): Promise<StagedGem[]> {
  for (const gem of gems) assertRunsOnLambda(ctx, gem, listing, target);
  const staged: StagedGem[] = [];
  for (const gem of gems) staged.push({ gem, size: await stageGem(gem, listing, gemDir, target.abi) });
  return staged;
}

/**
 * Bytes a gem takes once staged (what stageGem copies), read in the installed bundle: resolve's
 * sizes are what a layer holds (the planner weighs layers with them).
 */
export async function installedGemSize(gem: BundledGem, listing: BundleListing): Promise<number> {
  if (gem.source !== 'rubygems') {
    const files = await Promise.all((gem.files ?? []).map((f) => fsp.stat(path.join(gem.dir, f)).then((st) => st.size, () => 0)));
    return files.reduce((a, b) => a + b, 0) + 2 * Buffer.byteLength(gem.gemspec ?? '');
  }
  const spec = gem.specFile ? (await fsp.stat(gem.specFile)).size : 0;
  const built = gem.extensions.length && gem.platform === 'ruby'
    ? await treeSize(builtExtensionDir(gem, listing)).catch(() => 0)
    : 0;
  return (await treeSize(gem.dir)) + spec + built;
}

export function resolvedGem(gem: BundledGem, target: RubyTarget, size = 0): ResolvedDependency {
  return { name: gem.name, version: gem.version, platform: gemPlatformKey(gem, target), size };
}
