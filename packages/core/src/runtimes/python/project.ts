import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { BuildContext } from '../types';
import { ModuleCheck, ModuleProbe, readTomlFiles, toml, TomlBatch, TomlTable } from './interpreter';
import { declaredEdges, LockedSet, lockedSet } from './lockfiles';
import { markerEnvironment, PythonTarget } from './platform';
import {
  isPathDependency, normaliseName, parseRequirement, PathDependency, poetryConstraint, readRequirementsFile, Requirement, requirementsForTarget,
} from './requirements';

/** A workspace library the function uses by path. */
export interface WorkspaceLib {
  dir: string;
  /** Workspace-relative folder. */
  rel: string;
  name: string;
  version: string;
  pyproject: TomlTable;
}

/** Everything the function's project files say about what goes into its zip. */
export interface PythonProjectSpec {
  /** Third-party requirements (function and libraries) when there is no lockfile. */
  requirements: Requirement[];
  /** Pip options from requirements files (`--index-url`, `--find-links`, ...). */
  pipOptions: string[];
  libs: WorkspaceLib[];
  locked?: LockedSet;
  /** `{ python, pip }` versions of the build interpreter. */
  toolchain: Record<string, string>;
  /** The interpreter's real path, for pip and later checks (skips version-manager shims). */
  executable: string;
  /** Result for the handler probe, when one was given. */
  handlerCheck?: ModuleCheck;
}

export interface ProjectOptions {
  python: string;
  requirementsFile: string;
  lockFile?: string;
}

const rel = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/') || '.';

/** Finds the lockfile: the option, else uv.lock / poetry.lock beside the function, else at the workspace root. */
function findLock(projectDir: string, workspaceRoot: string, lockFile?: string): { kind: 'uv' | 'poetry'; file: string } | undefined {
  const kindOf = (f: string) => (path.basename(f) === 'poetry.lock' ? 'poetry' : 'uv');
  if (lockFile) {
    const file = path.resolve(projectDir, lockFile);
    if (!existsSync(file)) throw new LambdaPackageError('python:options', `lockFile "${lockFile}" does not exist`, [`looked at ${file}`], 'fix the "lockFile" option or remove it');
    return { kind: kindOf(file), file };
  }
  const dirs = projectDir === workspaceRoot ? [projectDir] : [projectDir, workspaceRoot];
  for (const dir of dirs) {
    for (const name of ['uv.lock', 'poetry.lock']) {
      const file = path.join(dir, name);
      if (existsSync(file)) return { kind: kindOf(file), file };
    }
  }
  return undefined;
}

/** Requirements and path dependencies a pyproject declares (PEP 621, uv sources, Poetry). */
function pyprojectDeps(pyproject: TomlTable, dir: string, from: string, markers: Record<string, boolean>): { reqs: Requirement[]; paths: PathDependency[] } {
  const reqs: Requirement[] = [];
  const paths: PathDependency[] = [];
  const uvSources = toml.table(toml.at(pyproject, 'tool', 'uv', 'sources'));
  const sourceOf = new Map(Object.entries(uvSources).map(([k, v]) => [normaliseName(k), toml.table(v)]));
  for (const line of toml.strings(toml.at(pyproject, 'project', 'dependencies'))) {
    const marker = line.includes(';') ? line.split(';', 2)[1].trim() : undefined;
    if (marker && markers[marker] === false) continue;
    const r = parseRequirement(line, from, dir);
    if (isPathDependency(r)) {
      paths.push(r);
      continue;
    }
    const src = sourceOf.get(r.name);
    const p = src && toml.str(src.path);
    if (p !== undefined) paths.push({ dir: path.resolve(dir, p), from });
    else if (src?.workspace === true) {
      throw new LambdaPackageError('python:resolve', `${r.name} is a uv workspace member (in ${from}) and there is no uv.lock`, [],
        `commit uv.lock (run \`uv lock\`), or write \`${r.name} = { path = "../libs/${r.name}" }\` under [tool.uv.sources]`);
    } else reqs.push(r);
  }
  const poetry = toml.table(toml.at(pyproject, 'tool', 'poetry', 'dependencies'));
  for (const [name, v] of Object.entries(poetry)) {
    if (name.toLowerCase() === 'python') continue;
    const t = toml.table(v);
    if (t.optional === true || (typeof t.markers === 'string' && markers[t.markers] === false)) continue;
    const p = toml.str(t.path);
    if (p !== undefined) {
      paths.push({ dir: path.resolve(dir, p), from });
      continue;
    }
    const spec = poetryConstraint(typeof v === 'string' ? v : toml.str(t.version) ?? '*');
    const extras = toml.strings(t.extras);
    const line = `${name}${extras.length ? `[${extras.join(',')}]` : ''}${spec}`;
    reqs.push(parseRequirement(line, from, dir) as Requirement);
  }
  return { reqs, paths };
}

export async function readBatch(ctx: BuildContext, interpreter: string, files: string[], target: PythonTarget, probe?: ModuleProbe, markers: readonly string[] = []): Promise<TomlBatch> {
  const projectDir = path.join(ctx.request.workspaceRoot, ctx.request.projectRoot);
  const cwd = existsSync(projectDir) ? projectDir : ctx.request.workspaceRoot;
  const batch = await readTomlFiles(ctx, interpreter, files, markerEnvironment(target), cwd, probe, markers);
  const [bad, msg] = Object.entries(batch.errors)[0] ?? [];
  if (bad) {
    const where = files.includes(bad) ? rel(ctx.request.workspaceRoot, bad) : `marker "${bad}"`;
    throw new LambdaPackageError('python:resolve', `cannot read ${where}`, [msg], 'fix the TOML syntax (or the marker) in that file');
  }
  return batch;
}

/**
 * Reads pyproject.toml, requirements.txt and the lockfile of the function, then its workspace
 * libraries (recursively, through their own path dependencies).
 */
export async function readProjectSpec(ctx: BuildContext, opts: ProjectOptions, target: PythonTarget, probe?: ModuleProbe): Promise<PythonProjectSpec> {
  const { workspaceRoot, projectRoot } = ctx.request;
  const projectDir = path.join(workspaceRoot, projectRoot);
  const lock = findLock(projectDir, workspaceRoot, opts.lockFile);
  const pyprojectPath = path.join(projectDir, 'pyproject.toml');
  const reqFile = path.join(projectDir, opts.requirementsFile);
  const fromFile = existsSync(reqFile) ? await readRequirementsFile(reqFile, workspaceRoot) : undefined;
  const fileMarkers = [...new Set((fromFile?.requirements ?? []).flatMap((r) => (r.marker ? [r.marker] : [])))];
  const first = await readBatch(ctx, opts.python, [pyprojectPath, ...(lock ? [lock.file] : [])], target, probe, fileMarkers);
  const markers = { ...first.markers };
  const pyproject = first.files[pyprojectPath];
  const requirements: Requirement[] = [];
  const pipOptions: string[] = [];
  let pending: PathDependency[] = [];
  if (pyproject) {
    const d = pyprojectDeps(pyproject, projectDir, rel(workspaceRoot, pyprojectPath), markers);
    requirements.push(...d.reqs);
    pending.push(...d.paths);
  }
  if (fromFile) {
    requirements.push(...fromFile.requirements);
    pipOptions.push(...fromFile.pipOptions);
    pending.push(...fromFile.pathDeps);
  }
  let locked: LockedSet | undefined;
  if (lock) {
    locked = lockedSet(lock.kind, lock.file, rel(workspaceRoot, lock.file), first, {
      name: pyproject ? normaliseName(toml.str(toml.at(pyproject, 'project', 'name')) ?? toml.str(toml.at(pyproject, 'tool', 'poetry', 'name')) ?? '') || undefined : undefined,
      relDir: rel(path.dirname(lock.file), projectDir),
      declared: pyproject ? declaredEdges(pyproject, markers) : [],
    });
    pending.push(...locked.libs.map((dir) => ({ dir, from: locked!.lockFile })));
  }
  const libs = new Map<string, WorkspaceLib>();
  while (pending.length) {
    const fresh = [...new Map(pending.filter((p) => !libs.has(p.dir)).map((p) => [p.dir, p])).values()];
    pending = [];
    if (!fresh.length) break;
    for (const p of fresh) {
      if (!existsSync(path.join(p.dir, 'pyproject.toml'))) {
        throw new LambdaPackageError('python:resolve', `workspace library ${rel(workspaceRoot, p.dir)} (required by ${p.from}) has no pyproject.toml`,
          [`looked at ${rel(workspaceRoot, p.dir)}/pyproject.toml`], 'fix the path, or give the library a pyproject.toml with [project] name');
      }
    }
    const batch = await readBatch(ctx, first.executable, fresh.map((p) => path.join(p.dir, 'pyproject.toml')), target);
    Object.assign(markers, batch.markers);
    for (const p of fresh) {
      const lp = batch.files[path.join(p.dir, 'pyproject.toml')];
      const name = toml.str(toml.at(lp, 'project', 'name')) ?? toml.str(toml.at(lp, 'tool', 'poetry', 'name')) ?? path.basename(p.dir);
      const version = toml.str(toml.at(lp, 'project', 'version')) ?? toml.str(toml.at(lp, 'tool', 'poetry', 'version')) ?? '0';
      libs.set(p.dir, { dir: p.dir, rel: rel(workspaceRoot, p.dir), name, version, pyproject: lp });
      const d = pyprojectDeps(lp, p.dir, rel(workspaceRoot, path.join(p.dir, 'pyproject.toml')), markers);
      requirements.push(...d.reqs);
      pending.push(...d.paths);
    }
  }
  const forTarget = requirementsForTarget(requirements, markers);
  checkPins(forTarget, locked);
  return {
    requirements: forTarget, pipOptions, libs: [...libs.values()].sort((a, b) => a.rel.localeCompare(b.rel)), ...(locked ? { locked } : {}),
    toolchain: first.toolchain, executable: first.executable, ...(first.handler ? { handlerCheck: first.handler } : {}),
  };
}

/** Two different exact pins of one package, or a pin the lockfile contradicts: an error, not a pip guess. */
function checkPins(requirements: readonly Requirement[], locked: LockedSet | undefined): void {
  const pins = new Map<string, Requirement>();
  for (const r of requirements) {
    if (!r.pin) continue;
    const other = pins.get(r.name);
    if (other && other.pin !== r.pin) {
      throw new LambdaPackageError('python:resolve', `conflicting pins for ${r.name}: ${other.pin} and ${r.pin}`,
        [`${other.from}: ${other.line}`, `${r.from}: ${r.line}`], 'pin one version of it in every file (or drop the pin in the library and keep it in the function)');
    }
    pins.set(r.name, r);
  }
  if (!locked) return;
  const lockedVersion = new Map(locked.pins.map((p) => [p.name, p.version]));
  for (const r of requirements) {
    const v = lockedVersion.get(r.name);
    if (v === undefined) {
      throw new LambdaPackageError('python:resolve', `${r.name} is required by ${r.from} but not locked in ${locked.lockFile}`, [r.line],
        'the lockfile is out of date: run `uv lock` or `poetry lock` and commit it');
    }
    if (r.pin && r.pin !== v) {
      throw new LambdaPackageError('python:resolve', `conflicting pins for ${r.name}: ${r.pin} in ${r.from}, ${v} in ${locked.lockFile}`, [r.line],
        'make them agree: change the pin, or re-lock with `uv lock` / `poetry lock`');
    }
  }
}
