import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { BuildContext } from '../types';

const SPECS_SCRIPT = path.join(__dirname, 'scripts', 'bundle-specs.rb');

/** One gem of the production bundle, as scripts/bundle-specs.rb reports it. */
export interface BundledGem {
  name: string;
  version: string;
  /** `ruby` for pure gems, else the platform of a precompiled gem. */
  platform: string;
  fullName: string;
  source: 'rubygems' | 'path' | 'git';
  /** Installed (or, for path/git gems, source) folder. */
  dir: string;
  extensions: string[];
  requirePaths: string[];
  /** rubygems gems: the installed .gemspec. */
  specFile?: string;
  /** path gems: the path as Gemfile and Gemfile.lock spell it. */
  remote?: string;
  /** path/git gems: the gemspec's files, and the spec as Ruby source. */
  files?: string[];
  gemspec?: string;
}

export interface BundleListing {
  ruby: string;
  /** ABI of the local Ruby, e.g. `3.1.0`: the folder bundler installs into. */
  abi: string;
  platform: string;
  bundler: string;
  specs: BundledGem[];
  /** BUNDLE_PATH of the scratch install. */
  bundlePath: string;
}

export interface BundleRequest {
  projectDir: string;
  /** Scratch folder: bundle path and bundler's app config live here, never in the user's repo. */
  scratchDir: string;
  without: readonly string[];
}

/**
 * Environment shared by `bundle install` and the listing script: the user's Gemfile, a scratch
 * install path and config (so the repo is never written: no .bundle/config, no vendor/cache
 * refresh, no lockfile rewrite thanks to BUNDLE_FROZEN), production groups only, and a fixed
 * SOURCE_DATE_EPOCH so generated gemspecs carry no build date.
 */
function bundleEnv(req: BundleRequest): Record<string, string> {
  return {
    BUNDLE_GEMFILE: path.join(req.projectDir, 'Gemfile'),
    BUNDLE_PATH: path.join(req.scratchDir, 'bundle'),
    BUNDLE_APP_CONFIG: path.join(req.scratchDir, 'bundle-config'),
    BUNDLE_WITHOUT: req.without.join(':'),
    BUNDLE_FROZEN: 'true',
    BUNDLE_SILENCE_ROOT_WARNING: '1',
    SOURCE_DATE_EPOCH: '315532800',
  };
}

/** `bundle install` of the production gems into the scratch folder, then lists them. */
export async function installBundle(ctx: BuildContext, req: BundleRequest): Promise<BundleListing> {
  const { projectName, projectRoot } = ctx.request;
  if (!existsSync(path.join(req.projectDir, 'Gemfile.lock'))) {
    throw new LambdaPackageError('ruby:resolve', `${projectName}: Gemfile has no Gemfile.lock`, [`project: ${projectRoot}`],
      `run \`bundle lock\` in ${projectRoot} and commit Gemfile.lock: packages install exactly what it pins`);
  }
  const env = bundleEnv(req);
  try {
    await ctx.exec({ where: 'ruby:install', command: 'bundle', args: ['install'], cwd: req.projectDir, env });
  } catch (err) {
    if (!(err instanceof LambdaPackageError) || err.title.includes('not found on PATH')) throw err;
    throw new LambdaPackageError('ruby:install', `${projectName}: bundle install failed`, err.details,
      `run \`bundle install\` in ${projectRoot} to see the same error; Gemfile.lock must match Gemfile`);
  }
  const { stdout } = await ctx.exec({ where: 'ruby:install', command: 'ruby', args: [SPECS_SCRIPT], cwd: req.projectDir, env });
  return { ...(JSON.parse(stdout) as Omit<BundleListing, 'bundlePath'>), bundlePath: env.BUNDLE_PATH };
}
