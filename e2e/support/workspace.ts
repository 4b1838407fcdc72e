import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, RunResult } from './run';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const NX_VERSION = '24.0.6';
// @nx/devkit is published less often than nx: 24.0.0 is the newest 24.0.x.
const DEVKIT_RANGE = '~24.0.0';

/** Third-party npm packages the e2e functions import (bundled, or moved into the node layer). */
export const NPM_DEPENDENCIES: Readonly<Record<string, string>> = { ms: '2.1.3', 'escape-html': '1.0.3' };
/** Nx reads TypeScript imports (function -> node library edges) only where typescript is installed. */
const TYPESCRIPT_VERSION = '~5.9.3';

/** Where installed node_modules are kept between runs, keyed by the tarballs' and package.json's hash. */
const INSTALL_CACHE = path.join(os.tmpdir(), 'nx-lambda-e2e-installs');

export interface E2eWorkspace {
  root: string;
  /** Folder of the installed node_modules this workspace links to (shared by its clones). */
  template: string;
  env: NodeJS.ProcessEnv;
  /** `nx <args>` in the workspace (the installed nx, daemon off, no cloud, no TUI). */
  nx(args: readonly string[], okCodes?: number[]): Promise<RunResult>;
  git(args: readonly string[]): Promise<RunResult>;
  write(rel: string, content: string | Buffer): Promise<void>;
  read(rel: string): Promise<string>;
  readBytes(rel: string): Promise<Buffer>;
  exists(rel: string): boolean;
}

/**
 * The environment of every command run in an e2e workspace: this process's, without Nx or
 * vitest settings that would leak into the child workspace, plus the settings the suite needs.
 * Offline settings live here (pip uses only the workspace's wheels folder), never in product code.
 */
function workspaceEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('NX_') || k.startsWith('VITEST') || k === 'NODE_OPTIONS' || k.startsWith('npm_') || k.startsWith('PIP_') || k.startsWith('AWS_')) continue;
    env[k] = v;
  }
  return {
    ...env,
    NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_VERSION_CHECK: 'true',
    FORCE_COLOR: '0', NO_COLOR: '1',
    // pip: no public index in tests; the wheels come from findLinks (nx.json targetDefaults).
    GOPROXY: 'off', GOFLAGS: '-mod=mod',
    PIP_NO_INDEX: '1', PIP_CONFIG_FILE: os.devNull, PIP_DISABLE_PIP_VERSION_CHECK: '1',
    GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com',
    // Dummy credentials for the loopback Lambda API; never real ones.
    AWS_ACCESS_KEY_ID: 'AKIDE2ELOOPBACK', AWS_SECRET_ACCESS_KEY: 'e2e-loopback-secret', AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: os.devNull, AWS_SHARED_CREDENTIALS_FILE: os.devNull,
    ...extra,
  };
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** `npm run build` of the repo (incremental tsc), then `npm pack` of core and plugin. */
async function packPlugin(): Promise<{ dir: string; tarballs: string[] }> {
  await run('npm', ['run', 'build'], { cwd: REPO_ROOT });
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'nxl-e2e-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir, './packages/core', './packages/plugin'], { cwd: REPO_ROOT });
  const tarballs = (JSON.parse(stdout) as { filename: string }[]).map((p) => p.filename.replace(/^@/, '').replace(/\//, '-'));
  for (const t of tarballs) if (!existsSync(path.join(dir, t))) throw new Error(`e2e: npm pack did not write ${t} into ${dir}`);
  return { dir, tarballs };
}

function rootPackageJson(tarballs: readonly string[]): string {
  const [core, plugin] = tarballs;
  return `${JSON.stringify({
    name: 'nx-lambda-e2e', version: '0.0.0', private: true,
    dependencies: { ...NPM_DEPENDENCIES },
    devDependencies: { nx: NX_VERSION, '@nx/devkit': DEVKIT_RANGE, typescript: TYPESCRIPT_VERSION, '@nx-lambda/core': `file:vendor/${core}`, '@nx-lambda/plugin': `file:vendor/${plugin}` },
  }, null, 2)}\n`;
}

/**
 * A folder holding package.json, package-lock.json, vendor/*.tgz and the installed node_modules
 * for these tarballs; `npm install` runs only when no earlier run installed the same bytes.
 */
async function installedTemplate(): Promise<string> {
  const { dir, tarballs } = await packPlugin();
  const pkg = rootPackageJson(tarballs);
  const hash = createHash('sha256');
  hash.update(pkg);
  for (const t of tarballs) hash.update(sha256(await fsp.readFile(path.join(dir, t))));
  const template = path.join(INSTALL_CACHE, hash.digest('hex').slice(0, 16));
  if (existsSync(path.join(template, '.complete'))) {
    await fsp.rm(dir, { recursive: true, force: true });
    const now = new Date();
    await fsp.utimes(template, now, now); // in use: pruning keeps it
    return template;
  }
  await fsp.mkdir(INSTALL_CACHE, { recursive: true });
  const staging = await fsp.mkdtemp(path.join(INSTALL_CACHE, 'staging-'));
  await fsp.mkdir(path.join(staging, 'vendor'));
  for (const t of tarballs) await fsp.copyFile(path.join(dir, t), path.join(staging, 'vendor', t));
  await fsp.writeFile(path.join(staging, 'package.json'), pkg);
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: staging, env: workspaceEnv({}) });
  await fsp.writeFile(path.join(staging, '.complete'), '');
  // Another suite may have installed the same template meanwhile: either copy is good.
  await fsp.rename(staging, template).catch(() => fsp.rm(staging, { recursive: true, force: true }));
  await fsp.rm(dir, { recursive: true, force: true });
  await pruneTemplates(template);
  return template;
}

/**
 * Each change of the packed bytes installs a new template (~140 MB): keep the newest few and drop
 * the rest, but never one a suite might be using right now (touched in the last hour).
 */
async function pruneTemplates(keep: string, newest = 2): Promise<void> {
  const entries = await fsp.readdir(INSTALL_CACHE, { withFileTypes: true });
  const dirs = await Promise.all(entries.filter((e) => e.isDirectory() && !e.name.startsWith('staging-')).map(async (e) => {
    const full = path.join(INSTALL_CACHE, e.name);
    return { full, mtime: (await fsp.stat(full)).mtimeMs };
  }));
  const old = dirs.filter((d) => d.full !== keep).sort((a, b) => b.mtime - a.mtime).slice(newest - 1);
  for (const d of old) if (Date.now() - d.mtime > 3_600_000) await fsp.rm(d.full, { recursive: true, force: true });
}

/** Temp workspaces this process made; `removeWorkspaces` deletes them unless NX_LAMBDA_E2E_KEEP=1. */
const created: string[] = [];

export async function removeWorkspaces(): Promise<void> {
  if (process.env.NX_LAMBDA_E2E_KEEP === '1') {
    if (created.length) console.log(`e2e workspaces kept (NX_LAMBDA_E2E_KEEP=1):\n  ${created.join('\n  ')}`);
    return;
  }
  await Promise.all(created.splice(0).map((root) => fsp.rm(root, { recursive: true, force: true })));
}

const NX_JSON = {
  $schema: './node_modules/nx/schemas/nx-schema.json',
  analytics: false,
  neverConnectToCloud: true,
  namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/events/**'] },
  // Without @nx/js in package.json Nx reads no TypeScript imports, so a function's import of a
  // node library (tsconfig path) would be no graph edge and `nx affected` would miss it.
  pluginsConfig: { '@nx/js': { analyzeSourceFiles: true } },
  // Offline: Python functions and layers install from the workspace's own wheels folder.
  targetDefaults: { '@nx-lambda/plugin:python': { options: { findLinks: ['wheels'] } } },
};

const GITIGNORE = ['node_modules', 'dist', '.nx', '__pycache__', ''].join('\n');

function handle(root: string, template: string, env: NodeJS.ProcessEnv): E2eWorkspace {
  return {
    root,
    template,
    env,
    nx: (args, okCodes) => run(process.execPath, [path.join(root, 'node_modules', '.bin', 'nx'), ...args], { cwd: root, env, okCodes }),
    git: (args) => run('git', args, { cwd: root, env }),
    write: async (rel, content) => {
      await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fsp.writeFile(path.join(root, rel), content);
    },
    read: (rel) => fsp.readFile(path.join(root, rel), 'utf8'),
    readBytes: (rel) => fsp.readFile(path.join(root, rel)),
    exists: (rel) => existsSync(path.join(root, rel)),
  };
}

/** node_modules of the template, hard-linked (fast, no copy of ~200 MB); a plain copy where links fail. */
async function linkNodeModules(template: string, root: string): Promise<void> {
  const from = path.join(template, 'node_modules');
  const to = path.join(root, 'node_modules');
  await run('cp', ['-al', from, to], { cwd: root }).catch(() => run('cp', ['-a', from, to], { cwd: root }));
}

/**
 * A fresh Nx workspace in a temp dir: the plugin installed from `npm pack` tarballs of this repo,
 * nx.json with analytics off, `nx g @nx-lambda/plugin:init`, and a git repository (one commit).
 */
export async function createWorkspace(label: string): Promise<E2eWorkspace> {
  const template = await installedTemplate();
  const root = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), `nxl-e2e-${label}-`)));
  created.push(root);
  for (const f of ['package.json', 'package-lock.json']) await fsp.copyFile(path.join(template, f), path.join(root, f));
  await fsp.cp(path.join(template, 'vendor'), path.join(root, 'vendor'), { recursive: true });
  await linkNodeModules(template, root);
  const ws = handle(root, template, workspaceEnv({}));
  await ws.write('nx.json', `${JSON.stringify(NX_JSON, null, 2)}\n`);
  await ws.write('.gitignore', GITIGNORE);
  await ws.git(['init', '-q', '-b', 'main']);
  await ws.nx(['g', '@nx-lambda/plugin:init', '--no-interactive']);
  return ws;
}

/** Commits everything (the base of `nx affected`). */
export async function commitAll(ws: E2eWorkspace, message: string): Promise<void> {
  await ws.git(['add', '-A']);
  await ws.git(['commit', '-q', '-m', message]);
}

/**
 * Another machine: `git clone` of the workspace (committed files only) in a new temp dir, with
 * the same installed node_modules. No dist, no Nx cache.
 */
export async function cloneWorkspace(ws: E2eWorkspace, label: string): Promise<E2eWorkspace> {
  const root = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), `nxl-e2e-${label}-`)));
  created.push(root);
  await run('git', ['clone', '-q', ws.root, root], { cwd: os.tmpdir(), env: ws.env });
  await linkNodeModules(ws.template, root);
  return handle(root, ws.template, ws.env);
}
