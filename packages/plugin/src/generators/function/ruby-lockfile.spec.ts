import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../core/src/test-support/workspace';
import { functionGenerator } from './function';

const run = promisify(execFile);

describe('ruby function scaffold', () => {
  it('an arm64 function\'s Gemfile.lock has Lambda\'s aarch64-linux platform, as `bundle lock --add-platform` writes it', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await functionGenerator(tree, { name: 'x86', runtime: 'ruby', skipFormat: true });
    await functionGenerator(tree, { name: 'arm', runtime: 'ruby', architecture: 'arm64', skipFormat: true });
    const dir = await tempDir('ruby-lock', {
      Gemfile: tree.read('functions/x86/Gemfile', 'utf8')!,
      'Gemfile.lock': tree.read('functions/x86/Gemfile.lock', 'utf8')!,
    });
    // Bundler picks native gems for the lockfile's platforms only: without aarch64-linux, a
    // precompiled gem added later resolves for x86_64 and the arm64 package refuses it.
    await run('bundle', ['lock', '--local', '--add-platform', 'aarch64-linux'], { cwd: dir, env: { ...process.env, BUNDLE_GEMFILE: path.join(dir, 'Gemfile') } });
    expect(tree.read('functions/arm/Gemfile.lock', 'utf8')).toBe(await fsp.readFile(path.join(dir, 'Gemfile.lock'), 'utf8'));
  });
});
