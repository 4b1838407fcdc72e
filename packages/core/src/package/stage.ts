import { Dirent, existsSync, promises as fsp, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { refuseNonUtf8Names } from '../archive/collect-tree';
import { LambdaPackageError } from '../errors';
import { compileGlobs, PathMatcher } from './globs';

/**
 * Copies files under `from` that match `include` globs into `to` at the same relative path;
 * returns the files taken from outside `from` through symlinks (see outsideSources).
 */
export async function copyIncludes(from: string, include: readonly string[], to: string, workspaceRoot: string): Promise<string[]> {
  if (!include.length) return [];
  const match = compileGlobs(include);
  const outside = outsideSources(from, workspaceRoot);
  await copyTree(from, to, { filter: (rel, isDir) => isDir || match(rel, false), onFile: outside.onFile });
  return outside.files;
}

export interface CopyTreeOptions {
  /** Return false to skip a path (directories: skip the whole subtree). */
  filter?: (relPath: string, isDirectory: boolean) => boolean;
  /** Called per copied file with where its bytes came from (a symlink's target, resolved). */
  onFile?: (relPath: string, realPath: string) => void;
  /** Never descend into these (relative) paths. */
  skip?: PathMatcher;
}

/**
 * Copies a tree as real files: symlinks are resolved (their content is copied), so the result
 * never points back into the workspace. Files only: a folder with no file under it is not created
 * (the zip has no entry for one either: collectTree).
 */
export async function copyTree(from: string, to: string, options: CopyTreeOptions = {}, rel = '', within: readonly string[] = []): Promise<void> {
  // Real paths of the folders being copied, outermost first: a link back to one of them is a loop.
  const here = await fsp.realpath(path.join(from, rel)).catch(() => path.join(from, rel));
  const loopsTo = within.indexOf(here);
  if (loopsTo >= 0) {
    throw new LambdaPackageError('stage', `"${path.join(from, rel)}" is a symlink loop: it leads back to ${path.relative(from, within[loopsTo]) || 'the folder being copied'}`, [], 'remove the link, or point it at a folder outside the one being packaged');
  }
  let dirents: Dirent[];
  try {
    dirents = (await fsp.readdir(path.join(from, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    throw new LambdaPackageError('stage', `cannot read ${path.join(from, rel)}`, [(err as Error).message], 'check that the folder exists and is readable');
  }
  refuseNonUtf8Names(path.join(from, rel), dirents.map((d) => d.name), 'stage', rel);
  for (const dirent of dirents) {
    const name = dirent.name;
    const relPath = rel ? `${rel}/${name}` : name;
    const abs = path.join(from, relPath);
    const st = await fsp.stat(abs).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new LambdaPackageError('stage', `"${abs}" is a dangling symlink`, [], 'remove the link or create its target');
      if (err.code === 'ELOOP') throw new LambdaPackageError('stage', `"${abs}" is a symlink loop`, [], 'remove the link or point it at a real file');
      throw new LambdaPackageError('stage', `cannot read "${abs}"`, [err.message], 'check that it exists and is readable');
    });
    const isDir = st.isDirectory();
    if (options.skip?.(relPath, isDir)) continue;
    if (options.filter && !options.filter(relPath, isDir)) continue;
    if (isDir) await copyTree(from, to, options, relPath, [...within, here]);
    else if (st.isFile()) {
      const dest = path.join(to, relPath);
      await fsp.mkdir(path.dirname(dest), { recursive: true });
      await fsp.copyFile(abs, dest);
      await fsp.chmod(dest, st.mode & 0o111 ? 0o755 : 0o644);
      options.onFile?.(relPath, dirent.isSymbolicLink() ? await fsp.realpath(abs) : path.join(here, name));
    }
  }
}

/**
 * Collects the files a copy took from outside `root` (through symlinks), as paths relative to
 * the workspace root: Nx hashes the link, not what it points to, so a change there would not
 * repackage (BuildResult.sourcesOutsideProject, which the package target warns about).
 */
export function outsideSources(root: string, workspaceRoot: string): { onFile: (relPath: string, realPath: string) => void; files: string[] } {
  const files: string[] = [];
  let realRoot: string | undefined;
  let realWorkspace: string | undefined;
  return {
    files,
    onFile: (_rel, real) => {
      realRoot ??= realpathSync(root);
      realWorkspace ??= realpathSync(workspaceRoot);
      if (real === realRoot || real.startsWith(realRoot + path.sep)) return;
      const rel = path.relative(realWorkspace, real).split(path.sep).join('/');
      if (!files.includes(rel)) files.push(rel);
    },
  };
}

/** Files that make a folder an Nx project of its own. */
const PROJECT_MARKERS = ['lambda.json', 'project.json'] as const;

/**
 * Folders under a function's root that are not the function, skipped when its folder is copied:
 * `events/` at the root (sample events for invoke, as the function generator and SAM lay them out)
 * and nested projects: a folder with its own lambda.json or project.json is another Nx project,
 * whose files Nx hashes for that project and not for this one, so shipping them here would let
 * Nx restore a stale zip from its cache. An `outputPath` inside the root (the zip's own folder) is
 * skipped too: each build would ship the previous zip.
 */
export function notFunctionSource(root: string, outputPath?: string): PathMatcher {
  const output = outputPath === undefined ? undefined : path.relative(root, outputPath).split(path.sep).join('/');
  return (rel, isDir) => isDir && (rel === output || rel === 'events' || PROJECT_MARKERS.some((m) => existsSync(path.join(root, rel, m))));
}

/** Total bytes of regular files under a folder (what a dependency costs unzipped). */
export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(abs);
    else if (e.isFile()) total += (await fsp.stat(abs)).size;
  }
  return total;
}
