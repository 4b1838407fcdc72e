import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { requirementLines, requirementOption } from './requirement-lines';

/** One third-party requirement, as pip will be given it. */
export interface Requirement {
  /** PEP 503 normalised name. */
  name: string;
  /** The PEP 508 line passed to pip. */
  line: string;
  /** Exact version when the requirement pins one (`==1.2.3`). */
  pin?: string;
  /** Workspace-relative file it came from, for messages. */
  from: string;
  /** PEP 508 environment marker (after `;`), evaluated for the Lambda target, never by pip. */
  marker?: string;
  /** `line` without its marker: what pip gets once the marker held for the target. */
  unconditional?: string;
}

/** A workspace library referenced by path: copied in as files, never installed by pip. */
export interface PathDependency {
  /** Absolute folder of the library. */
  dir: string;
  from: string;
}

/** What requirements.txt says: requirements, path entries, and pip options kept as written. */
export interface RequirementsFile {
  requirements: Requirement[];
  pathDeps: PathDependency[];
  /** `--index-url`, `--find-links`, `-c` and the like, paths made absolute. */
  pipOptions: string[];
}

export const normaliseName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

const NAME_RE = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;

/** Parses a PEP 508 string into a Requirement; `name @ file:` URLs become path dependencies. */
export function parseRequirement(line: string, from: string, baseDir: string): Requirement | PathDependency {
  // Per-requirement pip options (`--hash=...`) follow the requirement, as pip splits them.
  const words = line.trim().split(/\s+/);
  const firstOption = words.findIndex((w, i) => i > 0 && w.startsWith('-'));
  const requirement = (firstOption < 0 ? words : words.slice(0, firstOption)).join(' ');
  const options = firstOption < 0 ? '' : ` ${words.slice(firstOption).join(' ')}`;
  const m = NAME_RE.exec(requirement);
  if (!m) throw new LambdaPackageError('python:resolve', `cannot read requirement "${line}" in ${from}`, [], 'write it as PEP 508: name[extras] specifier ; marker');
  const rest = m[3].trim();
  const url = /^@\s*(\S+)/.exec(rest)?.[1];
  if (url?.startsWith('file:')) return { dir: path.resolve(baseDir, fileUrlPath(url)), from };
  const semi = rest.indexOf(';');
  const spec = (semi < 0 ? rest : rest.slice(0, semi)).trim();
  const marker = semi < 0 ? undefined : rest.slice(semi + 1).trim() || undefined;
  const pin = /^\(?\s*===?\s*([^\s,*;)]+)\s*\)?$/.exec(spec)?.[1];
  const unconditional = marker ? `${requirement.slice(0, requirement.indexOf(';')).trim()}${options}` : undefined;
  return { name: normaliseName(m[1]), line: line.trim(), ...(pin ? { pin } : {}), from, ...(marker ? { marker, unconditional } : {}) };
}

/**
 * Requirements as pip must get them for the Lambda target: pip evaluates markers for the machine
 * it runs on (x86_64, the local Python), not for `--platform`/`--python-version`, so a
 * requirement whose marker is false for the target is left out here and a true marker is
 * dropped. A marker missing from `markers` stays for pip.
 */
export function requirementsForTarget(requirements: readonly Requirement[], markers: Readonly<Record<string, boolean>>): Requirement[] {
  return requirements.flatMap((r) => {
    if (!r.marker || markers[r.marker] === undefined) return [r];
    return markers[r.marker] ? [{ ...r, line: r.unconditional ?? r.line }] : [];
  });
}

export const isPathDependency = (r: Requirement | PathDependency): r is PathDependency => 'dir' in r;

function fileUrlPath(url: string): string {
  const p = url.replace(/^file:(\/\/(localhost)?)?/, '');
  return decodeURIComponent(p);
}

const looksLikePath = (s: string) => /^(\.{1,2}[\\/]|\/|file:)/.test(s) || s === '.' || s === '..';

const OPTIONS_WITH_PATH = new Set(['-f', '--find-links', '-c', '--constraint']);
const OPTIONS_WITH_VALUE = new Set(['-i', '--index-url', '--extra-index-url', '--trusted-host', ...OPTIONS_WITH_PATH]);

/**
 * Reads a requirements file the way pip does for the parts that matter here: comments,
 * continuations, `-r` includes, `-e`/plain path entries (workspace libraries) and option lines.
 */
export async function readRequirementsFile(file: string, workspaceRoot: string, seen = new Set<string>()): Promise<RequirementsFile> {
  const out: RequirementsFile = { requirements: [], pathDeps: [], pipOptions: [] };
  if (seen.has(file)) return out;
  seen.add(file);
  const from = path.relative(workspaceRoot, file).split(path.sep).join('/');
  const dir = path.dirname(file);
  const text = await fsp.readFile(file, 'utf8');
  for (const line of requirementLines(text)) {
    const { first, opt, value } = requirementOption(line);
    if (opt === '-r' || opt === '--requirement') {
      const nested = await readRequirementsFile(path.resolve(dir, value), workspaceRoot, seen);
      out.requirements.push(...nested.requirements);
      out.pathDeps.push(...nested.pathDeps);
      out.pipOptions.push(...nested.pipOptions);
    } else if (opt === '-e' || opt === '--editable') {
      if (!looksLikePath(value)) {
        throw new LambdaPackageError('python:resolve', `editable requirement "${value}" in ${from} is not a local path`, [],
          'publish it as a wheel and require it by name, or point -e at a workspace folder');
      }
      out.pathDeps.push({ dir: path.resolve(dir, fileUrlPath(stripExtras(value))), from });
    } else if (OPTIONS_WITH_VALUE.has(opt)) {
      const v = OPTIONS_WITH_PATH.has(opt) && !/^[a-z]+:\/\//.test(value) ? path.resolve(dir, value) : value;
      out.pipOptions.push(`${opt} ${v}`);
    } else if (first.startsWith('-')) {
      out.pipOptions.push(line);
    } else if (looksLikePath(line)) {
      out.pathDeps.push({ dir: path.resolve(dir, fileUrlPath(stripExtras(first))), from });
    } else {
      const r = parseRequirement(line, from, dir);
      if (isPathDependency(r)) out.pathDeps.push(r);
      else out.requirements.push(r);
    }
  }
  return out;
}

const stripExtras = (p: string) => p.replace(/\[[^\]]*\]$/, '');

/**
 * Poetry's constraint syntax to PEP 440: `^1.2` -> `>=1.2,<2.0`, `~1.2` -> `>=1.2,<1.3`, `1.2` ->
 * `==1.2`, `*` -> any; PEP 440 operators pass through.
 */
export function poetryConstraint(c: string): string {
  return c.split(',').map((part) => {
    const p = part.trim();
    if (!p || p === '*') return '';
    const caret = /^\^\s*(\d+(?:\.\d+)*)/.exec(p);
    if (caret) {
      const nums = caret[1].split('.').map(Number);
      const i = nums.findIndex((n) => n !== 0);
      const at = i < 0 ? nums.length - 1 : Math.min(i, nums.length - 1);
      return `>=${caret[1]},<${bump(nums, at)}`;
    }
    const tilde = /^~(?!=)\s*(\d+(?:\.\d+)*)/.exec(p);
    if (tilde) {
      const nums = tilde[1].split('.').map(Number);
      return `>=${tilde[1]},<${bump(nums, nums.length > 1 ? 1 : 0)}`;
    }
    if (/^\d/.test(p)) return `==${p}`;
    return p;
  }).filter(Boolean).join(',');
}

function bump(nums: number[], at: number): string {
  return [...nums.slice(0, at), nums[at] + 1].join('.');
}
