import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../../../core/src/test-support/workspace';
import { run, type RunResult } from '../../../../../e2e/support/run';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');

export interface NxWorkspace {
  root: string;
  /** `nx <args>` with the repo's nx, daemon off, no cloud, no TUI. */
  nx(args: readonly string[], okCodes?: number[]): Promise<RunResult>;
}

/** Builds the packages once per spec file: the real Nx CLI loads the plugin from its dist. */
export async function buildPlugin(): Promise<void> {
  await run('npm', ['run', 'build'], { cwd: REPO_ROOT });
}

/**
 * An existing workspace as a team has it before adopting nx-lambda (its own nx.json and files),
 * using this repo's node_modules (nx, and @nx-lambda/* linked to the packages): quicker than
 * the e2e suite's npm install, with the same nx CLI and plugin loading.
 */
export async function existingWorkspace(label: string, files: Record<string, string>): Promise<NxWorkspace> {
  const root = await fsp.realpath(await tempDir(label, files));
  await fsp.symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NX_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_VERSION_CHECK: 'true', FORCE_COLOR: '0', NO_COLOR: '1' });
  const nx = path.join(REPO_ROOT, 'node_modules', '.bin', 'nx');
  return { root, nx: (args, okCodes) => run(process.execPath, [nx, ...args], { cwd: root, env, okCodes }) };
}
