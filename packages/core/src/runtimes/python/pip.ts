import { LambdaPackageError } from '../../errors';
import type { BuildContext } from '../types';
import type { PythonTarget } from './platform';

/** Where pip looks, on top of what pip.conf and PIP_* variables already say (never replaced). */
export interface PipIndexOptions {
  indexUrl?: string;
  extraIndexUrls: readonly string[];
  findLinks: readonly string[];
}

export interface PipInstallRequest {
  interpreter: string;
  /** `--target` folder. */
  target: string;
  /** A requirements file we wrote (pins, or the user's requirements without path entries). */
  requirementsFile: string;
  runtime: PythonTarget;
  /** Install exactly the listed pins, no resolution (the list is already complete). */
  noDeps: boolean;
  index: PipIndexOptions;
  cwd: string;
  /** For messages: the function or layer being built. */
  subject: string;
}

const PIP_TIMEOUT_MS = 30 * 60_000;

function indexArgs(index: PipIndexOptions): string[] {
  return [
    ...(index.indexUrl ? ['--index-url', index.indexUrl] : []),
    ...index.extraIndexUrls.flatMap((u) => ['--extra-index-url', u]),
    ...index.findLinks.flatMap((u) => ['--find-links', u]),
  ];
}

/** Arguments that make pip choose wheels for Lambda's interpreter and platform, not this machine's. */
export function platformArgs(t: PythonTarget): string[] {
  return ['--implementation', 'cp', '--python-version', t.pythonVersion, '--only-binary=:all:', ...t.platforms.flatMap((p) => ['--platform', p])];
}

function installArgs(req: PipInstallRequest, target: string, extra: readonly string[]): string[] {
  return [
    '-m', 'pip', 'install', '--target', target, '--no-compile', '--no-input', '--disable-pip-version-check', '--progress-bar', 'off',
    ...platformArgs(req.runtime), ...(req.noDeps ? ['--no-deps'] : []), ...indexArgs(req.index), ...extra,
  ];
}

/**
 * `pip install --target` for the Lambda platform. Known pip failures become errors that say
 * what to change: no wheel for the platform (with what the index does offer), conflicts.
 */
export async function pipInstall(ctx: BuildContext, req: PipInstallRequest): Promise<void> {
  try {
    await ctx.exec({
      where: 'python:install', command: req.interpreter, args: installArgs(req, req.target, ['-r', req.requirementsFile]), cwd: req.cwd,
      timeoutMs: PIP_TIMEOUT_MS,
    });
  } catch (err) {
    if (!(err instanceof LambdaPackageError)) throw err;
    const text = err.details.join('\n');
    const missing = /No matching distribution found for (\S+)/.exec(text);
    if (missing) throw await noWheelError(ctx, req, missing[1]);
    if (/ResolutionImpossible|conflicting dependencies|Cannot install .* because these package versions have conflicting/.test(text)) {
      throw new LambdaPackageError('python:resolve', `conflicting requirements for ${req.subject}`, err.details.filter((l) => l.trim()),
        'align the version constraints named above (requirements.txt, pyproject.toml and the workspace libraries) or regenerate the lockfile');
    }
    throw new LambdaPackageError('python:install', `pip install failed for ${req.subject}`, [err.title, ...err.details], 'read pip\'s output above; check the index settings (indexUrl, pip.conf, PIP_INDEX_URL)');
  }
}

/**
 * pip only says "no matching distribution"; a verbose retry of that one requirement tells apart
 * an sdist-only package, wheels for other platforms, and a name the index does not have.
 */
async function noWheelError(ctx: BuildContext, req: PipInstallRequest, requirement: string): Promise<LambdaPackageError> {
  const name = requirement.replace(/[<>=!~;[ ].*$/, '');
  const platform = `${req.runtime.runtime} ${req.runtime.machine} (cp${req.runtime.pythonVersion.replace('.', '')}, ${req.runtime.platforms[0]} and older)`;
  const probe = await ctx.exec({
    where: 'python:install', command: req.interpreter, args: installArgs(req, `${req.target}.probe`, ['-vv', '--no-deps', '--dry-run', requirement]),
    cwd: req.cwd, timeoutMs: PIP_TIMEOUT_MS, okCodes: [0, 1],
  });
  const skipped = `${probe.stdout}\n${probe.stderr}`.split(/\r?\n/).filter((l) => l.includes('Skipping link:'));
  const sdists = skipped.filter((l) => l.includes('No sources permitted')).map((l) => /\/([^/\s#]+\.(?:tar\.gz|tar\.bz2|zip))\b/.exec(l)?.[1] ?? l.trim());
  const otherWheels = skipped.map((l) => /wheel's tags \(([^)]+)\)/.exec(l)?.[1]).filter((t): t is string => !!t);
  const ways = [
    `publish a wheel of ${name} for ${req.runtime.machine} (manylinux, cp${req.runtime.pythonVersion.replace('.', '')} or abi3) to your index`,
    `or build it inside a Linux container of the target architecture (e.g. public.ecr.aws/sam/build-${req.runtime.runtime}:latest${req.runtime.machine === 'aarch64' ? '-arm64' : '-x86_64'}) and serve the wheel with findLinks`,
  ];
  if (sdists.length) {
    return new LambdaPackageError('python:install', `${name} has no wheel for ${platform}, only a source distribution`,
      [`requirement: ${requirement} (needed by ${req.subject})`, ...sdists.map((s) => `source only: ${s}`), ...otherWheels.map((t) => `wheel for another platform: ${t}`)],
      `packages are never compiled at package time: ${ways.join(', ')}`);
  }
  if (otherWheels.length) {
    return new LambdaPackageError('python:install', `${name} has no wheel for ${platform}`,
      [`requirement: ${requirement} (needed by ${req.subject})`, ...otherWheels.map((t) => `wheel for another platform: ${t}`)], ways.join(', '));
  }
  return new LambdaPackageError('python:install', `${name} was not found on the package index`,
    [`requirement: ${requirement} (needed by ${req.subject})`, ...indexArgs(req.index).filter((a) => !a.startsWith('--')).map((u) => `looked in: ${u}`)],
    'check the name and version, and the index settings (indexUrl, extraIndexUrls, findLinks, pip.conf, PIP_INDEX_URL)');
}
