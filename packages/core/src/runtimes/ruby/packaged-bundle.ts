import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { BuildContext } from '../types';
import type { BundledGem } from './bundler';
import { functionGemDir } from './target';

/**
 * Writes Gemfile, Gemfile.lock and .bundle/config into the staged function so that
 * `require 'bundler/setup'` resolves to what is in the zip: workspace `path:` gems point at their
 * installed copy under vendor/bundle, production groups only, frozen (/var/task is read-only).
 * Gems are found through the GEM_PATH Lambda sets (vendor/bundle/ruby/<ABI> and the layers), so
 * no BUNDLE_PATH is written: it would hide the layers' gems from bundler.
 */
export async function writePackagedBundle(ctx: BuildContext, projectDir: string, gems: readonly BundledGem[], abi: string, without: readonly string[]): Promise<void> {
  let gemfile = await fsp.readFile(path.join(projectDir, 'Gemfile'), 'utf8');
  let lockfile = await fsp.readFile(path.join(projectDir, 'Gemfile.lock'), 'utf8');
  for (const gem of gems) {
    if (gem.source !== 'path' || !gem.remote) continue;
    const inZip = `${functionGemDir(abi)}/gems/${gem.fullName}`;
    const quoted = new RegExp(`(['"])${escapeRegExp(gem.remote)}/?\\1`, 'g');
    if (!quoted.test(gemfile)) {
      ctx.warn(`Gemfile: path "${gem.remote}" of gem ${gem.name} is not a plain string; the packaged Gemfile keeps it, so require 'bundler/setup' will not find ${gem.name} (a plain require does)`);
      continue;
    }
    gemfile = gemfile.replace(quoted, JSON.stringify(inZip));
    lockfile = lockfile.replace(new RegExp(`^(  remote: )${escapeRegExp(gem.remote)}/?$`, 'm'), `$1${inZip}`);
  }
  if (gems.some((g) => g.source === 'git')) {
    ctx.warn('git gems are packaged as installed gems: a plain require finds them, require \'bundler/setup\' does not');
  }
  await fsp.writeFile(path.join(ctx.stagingDir, 'Gemfile'), gemfile);
  await fsp.writeFile(path.join(ctx.stagingDir, 'Gemfile.lock'), lockfile);
  await fsp.mkdir(path.join(ctx.stagingDir, '.bundle'), { recursive: true });
  const config = ['---', `BUNDLE_WITHOUT: "${without.join(':')}"`, 'BUNDLE_FROZEN: "true"', ''];
  await fsp.writeFile(path.join(ctx.stagingDir, '.bundle', 'config'), config.join('\n'));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
