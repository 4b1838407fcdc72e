import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { BuildContext, BuildResult, DependencyRecord, FinalTree, HandlerCheck, ResolvedDependency, RuntimeStrategy } from '../types';
import { GoBuildInfo, readGoBuildInfo } from './build-info';
import { isArArchive, readElfFacts } from './elf';
import { GOARCH, goBuild } from './go-build';

/** The executable Lambda's provided runtimes start. */
export const BOOTSTRAP = 'bootstrap';

/** Runtime options of the go executor (normalised by the plugin). */
export interface GoRuntimeOptions {
  /** Package holding `package main`, relative to the project root or an import path. Default `.`. */
  mainPackage: string;
  /** Build tags added to `lambda.norpc`. */
  buildTags: readonly string[];
}

export function goOptions(ctx: BuildContext): GoRuntimeOptions {
  const o = ctx.request.options;
  return {
    mainPackage: typeof o.mainPackage === 'string' && o.mainPackage ? o.mainPackage : '.',
    buildTags: Array.isArray(o.buildTags) ? o.buildTags.map(String) : [],
  };
}

function dependencyRecords(info: GoBuildInfo, goarch: string): DependencyRecord[] {
  return info.deps.map((m) => {
    const local = m.replacedBy && m.replacedBy.version === '(devel)';
    return {
      name: m.path,
      version: m.replacedBy && !local ? m.replacedBy.version : m.version,
      // Compiled into one binary: a module's share of it is not measurable.
      size: 0,
      location: 'function',
      platform: `linux/${goarch}`,
      reason: m.replacedBy ? `compiled into bootstrap (replace => ${m.replacedBy.path})` : 'compiled into bootstrap',
    };
  });
}

async function buildBootstrap(ctx: BuildContext): Promise<BuildResult> {
  const { request } = ctx;
  const opts = goOptions(ctx);
  const output = path.join(ctx.stagingDir, BOOTSTRAP);
  const cwd = path.join(request.workspaceRoot, request.projectRoot);
  await goBuild(ctx, { cwd, mainPackage: opts.mainPackage, architecture: request.architecture, tags: opts.buildTags, output });
  const binary = await fsp.readFile(output);
  if (isArArchive(binary)) {
    throw new LambdaPackageError('go:build', `${request.projectName}: "${opts.mainPackage}" is not a main package`,
      [`go build wrote a package archive, not an executable (cwd: ${request.projectRoot})`],
      'put `package main` with `func main()` in the project root, or set "mainPackage" to its folder (e.g. "./cmd/handler")');
  }
  const goarch = GOARCH[request.architecture];
  const info = readGoBuildInfo(binary);
  if (!info) ctx.warn('bootstrap has no Go build info (Go < 1.18?): the manifest lists no modules');
  return {
    dependencies: info ? dependencyRecords(info, goarch) : [],
    toolchain: { go: info?.goVersion ?? 'unknown' },
    executables: [BOOTSTRAP],
    notes: {
      layersSupported: false,
      layers: 'Go compiles its dependencies into bootstrap: nothing to put in a layer',
      mainModule: info?.main?.path ?? '',
      mainPackage: info?.mainPath ?? opts.mainPackage,
      target: `linux/${goarch}`,
    },
  };
}

/** ELF and program headers sit at the start: no need to inflate the whole binary again. */
async function readHead(file: string, bytes = 64 * 1024): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Checks the bootstrap in the final zip: executable, ELF for the chosen architecture, static. */
async function checkBootstrap(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck> {
  const entry = tree.zip.entry(BOOTSTRAP);
  if (!entry || entry.type !== 'file') {
    return { ok: false, problem: `needs ${BOOTSTRAP} at the zip root, and there is none`, hint: 'check "exclude": it must not drop bootstrap' };
  }
  if (!entry.executable) return { ok: false, problem: `${BOOTSTRAP} is not executable in the zip`, hint: 'report this: bootstrap is always stored 0755' };
  const elf = readElfFacts(await readHead(path.join(tree.root, BOOTSTRAP)));
  const want = ctx.request.architecture === 'arm64' ? 'aarch64' : 'x86_64';
  if (!elf) return { ok: false, problem: `${BOOTSTRAP} is not a Linux ELF executable`, hint: 'check "include": a file from the project must not replace bootstrap' };
  if (elf.machine !== want) {
    return { ok: false, problem: `${BOOTSTRAP} is built for ${elf.machine}, not ${ctx.request.architecture}`, hint: `set "architecture" to match, or rebuild for ${want}` };
  }
  if (elf.dynamic) {
    return { ok: false, problem: `${BOOTSTRAP} is dynamically linked`, hint: 'build with CGO_ENABLED=0 (the default here); remove cgo from the main package' };
  }
  return { ok: true, detail: `${BOOTSTRAP}: static ELF ${elf.machine}` };
}

export const GoStrategy: RuntimeStrategy = {
  family: 'go',
  lambdaRuntimes: ['provided.al2023', 'provided.al2'],
  // No layerRoot: Go compiles its dependencies in.
  async resolve(): Promise<ResolvedDependency[]> {
    // Nothing for the layer planner: modules are known only once compiled into the binary.
    return [];
  },
  build: (ctx) => buildBootstrap(ctx),
  checkHandler: checkBootstrap,
};
