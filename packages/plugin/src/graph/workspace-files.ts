import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Whether a failed read or listing means "nothing there" (no such file or folder, or not the kind asked for). */
const isAbsent = (err: unknown): boolean => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

/** A workspace file's text (`rel` relative to the workspace root), or undefined when it is not there. */
export function readWorkspaceFile(workspaceRoot: string, rel: string): string | undefined {
  try {
    return readFileSync(path.join(workspaceRoot, rel), 'utf8');
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw err;
  }
}

/** Whether workspace-relative `rel` is the project root `root` or lies under it (`.` and `` are the workspace root). */
export function isWithinRoot(rel: string, root: string): boolean {
  const r = root.replace(/\/+$/, '');
  return r === '.' || r === '' || rel === r || rel.startsWith(`${r}/`);
}

/** Names in one folder (workspace-relative `root`), none when it is not there. */
function folderNames(workspaceRoot: string, root: string): string[] {
  try {
    return readdirSync(path.join(workspaceRoot, root));
  } catch (err) {
    if (isAbsent(err)) return [];
    throw err;
  }
}

/** Files of one folder (not below it) whose names end in `ext`, as workspace-relative paths. */
export function filesIn(workspaceRoot: string, root: string, ext: string): string[] {
  return folderNames(workspaceRoot, root).filter((f) => f.endsWith(ext)).map((f) => path.posix.join(root, f));
}

/**
 * One project folder, listed once (its files read through `files`, at most once): the graph reads
 * a project's go.mod, pom.xml or lambda.json for several kinds of edges, and on every Nx command.
 */
export class ProjectFolder {
  private readonly names: ReadonlySet<string>;

  constructor(private readonly files: WorkspaceFiles, readonly root: string) {
    this.names = new Set(folderNames(files.root, root));
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Workspace-relative paths of the folder's files whose names end in `ext`. */
  filesEndingIn(ext: string): string[] {
    return [...this.names].filter((f) => f.endsWith(ext)).sort().map((f) => path.posix.join(this.root, f));
  }

  /** Text of the file `name` directly in the folder, or undefined when there is none. */
  text(name: string): string | undefined {
    return this.names.has(name) ? this.files.text(path.posix.join(this.root, name)) : undefined;
  }
}

/**
 * The workspace's files as one graph computation (a createNodes or createDependencies call) reads
 * them: each text read and each path checked at most once, since many functions name the same
 * library manifests and go.work. Made afresh for each call, so nothing outlives a change on disk.
 */
export class WorkspaceFiles {
  private readonly texts = new Map<string, string | undefined>();
  private readonly files = new Map<string, boolean>();

  constructor(readonly root: string) {}

  /** Text of workspace-relative `rel`, or undefined when no file is there. */
  text(rel: string): string | undefined {
    if (!this.texts.has(rel)) this.texts.set(rel, readWorkspaceFile(this.root, rel));
    return this.texts.get(rel);
  }

  /** Whether workspace-relative `rel` is a file (not a folder, not missing). */
  isFile(rel: string): boolean {
    let file = this.files.get(rel);
    if (file === undefined) {
      file = statSync(path.join(this.root, rel), { throwIfNoEntry: false })?.isFile() ?? false;
      this.files.set(rel, file);
    }
    return file;
  }
}
