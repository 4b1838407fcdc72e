import { LambdaPackageError } from '../../errors';
import type { Architecture } from '../types';

/** Lambda's Python runtimes and the glibc of the Amazon Linux each one runs on. */
const RUNTIME_GLIBC: Readonly<Record<string, number>> = {
  'python3.9': 26, // Amazon Linux 2: glibc 2.26
  'python3.10': 26,
  'python3.11': 26,
  'python3.12': 34, // Amazon Linux 2023: glibc 2.34
  'python3.13': 34,
  'python3.14': 34,
};

export const PYTHON_RUNTIMES = Object.keys(RUNTIME_GLIBC);

/** What pip is told about the interpreter and platform a function will run on. */
export interface PythonTarget {
  runtime: string;
  /** `3.12` */
  pythonVersion: string;
  /** Wheel machine: `x86_64` or `aarch64`. */
  machine: 'x86_64' | 'aarch64';
  /** pip `--platform` values, most specific first. */
  platforms: string[];
}

export function pythonTarget(runtime: string, architecture: Architecture): PythonTarget {
  const glibcMinor = RUNTIME_GLIBC[runtime];
  if (glibcMinor === undefined) {
    throw new LambdaPackageError('python:options', `unknown Python runtime "${runtime}"`, [`supported: ${PYTHON_RUNTIMES.join(', ')}`],
      'set "runtime" to one of these');
  }
  const machine = architecture === 'arm64' ? 'aarch64' : 'x86_64';
  return { runtime, pythonVersion: runtime.slice('python'.length), machine, platforms: manylinuxPlatforms(glibcMinor, machine) };
}

/**
 * Every manylinux tag a glibc 2.<glibcMinor> system accepts, newest first, with the legacy
 * aliases (manylinux2014 = 2_17, manylinux2010 = 2_12, manylinux1 = 2_5). pip only expands the
 * legacy aliases itself, so the PEP 600 tags are listed one by one. aarch64 wheels start at 2_17.
 */
export function manylinuxPlatforms(glibcMinor: number, machine: 'x86_64' | 'aarch64'): string[] {
  const oldest = machine === 'aarch64' ? 17 : 5;
  const legacy: Record<number, string> = { 17: 'manylinux2014', 12: 'manylinux2010', 5: 'manylinux1' };
  const tags: string[] = [];
  for (let minor = glibcMinor; minor >= oldest; minor--) {
    tags.push(`manylinux_2_${minor}_${machine}`);
    if (legacy[minor]) tags.push(`${legacy[minor]}_${machine}`);
  }
  return tags;
}

/** PEP 508 environment of the Lambda runtime, for evaluating markers in lockfiles. */
export function markerEnvironment(target: PythonTarget): Record<string, string> {
  const full = `${target.pythonVersion}.0`;
  return {
    python_version: target.pythonVersion, python_full_version: full, implementation_version: full,
    implementation_name: 'cpython', platform_python_implementation: 'CPython', os_name: 'posix',
    sys_platform: 'linux', platform_system: 'Linux', platform_machine: target.machine, platform_release: '', platform_version: '',
  };
}
