import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { exec } from '../../../exec';
import { tempDir } from '../../../test-support/workspace';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The local Ruby version; a missing toolchain fails the test with the way out. */
export function requireRuby(): string {
  try {
    execFileSync('bundle', ['--version'], { encoding: 'utf8' });
    return execFileSync('ruby', ['-e', 'print RUBY_VERSION'], { encoding: 'utf8' });
  } catch {
    throw new Error('ruby and bundler are not installed: run tools/setup.sh');
  }
}

/**
 * A temp workspace holding a fixture scenario. Every gem under `gems-src/<name>/` is built with
 * `gem build` and placed in `<app>/vendor/cache`, where an offline `bundle install` finds it.
 */
export async function rubyWorkspace(label: string, scenario: string, app?: string): Promise<string> {
  const ws = await tempDir(label);
  await fsp.cp(path.join(FIXTURES, scenario), ws, { recursive: true });
  const sources = path.join(ws, 'gems-src');
  const names = app ? await fsp.readdir(sources).catch(() => []) : [];
  for (const name of names.sort()) {
    const dir = path.join(sources, name);
    await exec({ where: 'test:gem-build', command: 'gem', args: ['build', `${name}.gemspec`], cwd: dir, env: { SOURCE_DATE_EPOCH: '315532800' } });
    const cache = path.join(ws, app!, 'vendor/cache');
    await fsp.mkdir(cache, { recursive: true });
    for (const f of await fsp.readdir(dir)) if (f.endsWith('.gem')) await fsp.rename(path.join(dir, f), path.join(cache, f));
  }
  return ws;
}
