import { describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../../errors';
import { findInLock, lockClosure, matchesPlatform, WorkspaceLock } from './lockfile';

const lock: WorkspaceLock = {
  file: '/ws/package-lock.json',
  packages: {
    '': { name: 'ws' },
    'node_modules/a': { version: '1.0.0', dependencies: { b: '^1' }, optionalDependencies: { 'a-linux-arm64': '1.0.0', 'a-darwin-arm64': '1.0.0' } },
    'node_modules/a-linux-arm64': { version: '1.0.0', os: ['linux'], cpu: ['arm64'], optional: true },
    'node_modules/a-darwin-arm64': { version: '1.0.0', os: ['darwin'], cpu: ['arm64'], optional: true },
    'node_modules/b': { version: '2.0.0' },
    'node_modules/a/node_modules/b': { version: '1.5.0', dev: true },
    'apps/fn/node_modules/c': { version: '3.0.0', peerDependencies: { a: '*' } },
    'node_modules/broken': { version: '1.0.0', dependencies: { missing: '1' } },
    'node_modules/lib': { link: true, resolved: 'libs/lib' },
  },
};

describe('node lockfile', () => {
  it('resolves a name from a package the way Node does: nested first, then upwards', () => {
    expect(findInLock(lock, 'node_modules/a', 'b')).toBe('node_modules/a/node_modules/b');
    expect(findInLock(lock, 'apps/fn', 'c')).toBe('apps/fn/node_modules/c');
    expect(findInLock(lock, 'apps/fn', 'b')).toBe('node_modules/b');
    expect(findInLock(lock, 'apps/other', 'c')).toBeUndefined();
  });

  it('follows dependencies, required peers and optional dependencies, marking optional-only ones', () => {
    const closure = lockClosure(lock, ['apps/fn/node_modules/c'], 'node:test');
    expect([...closure.keys()]).toEqual(['apps/fn/node_modules/c', 'node_modules/a', 'node_modules/a-darwin-arm64', 'node_modules/a-linux-arm64', 'node_modules/a/node_modules/b']);
    expect(closure.get('node_modules/a-linux-arm64')?.optional).toBe(true);
    expect(closure.get('node_modules/a/node_modules/b')).toMatchObject({ name: 'b', version: '1.5.0', optional: false });
  });

  it('matches os and cpu fields against Lambda platform', () => {
    const arm = { os: 'linux', cpu: 'arm64', libc: 'glibc' } as const;
    expect(matchesPlatform(lock.packages['node_modules/a-linux-arm64'], arm)).toBe(true);
    expect(matchesPlatform(lock.packages['node_modules/a-darwin-arm64'], arm)).toBe(false);
    expect(matchesPlatform({ cpu: ['!arm64'] }, arm)).toBe(false);
  });

  it('names the package whose dependency the lockfile does not pin', () => {
    expect(() => lockClosure(lock, ['node_modules/broken'], 'node:lockfile')).toThrow(LambdaPackageError);
    expect(() => lockClosure(lock, ['node_modules/broken'], 'node:lockfile')).toThrow(/does not pin missing, a dependency of broken/);
  });

  it('refuses a workspace package as an install root', () => {
    expect(() => lockClosure(lock, ['node_modules/lib'], 'node:lockfile')).toThrow(/workspace package[\s\S]*remove lib from "nodeModules"/);
  });
});
