import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { BuildContext, FinalTree, HandlerCheck } from '../types';

/** The executable Lambda's custom runtimes start. */
export const BOOTSTRAP = 'bootstrap';

const HOST_ARCH: Record<string, 'x86_64' | 'arm64' | undefined> = { x64: 'x86_64', arm64: 'arm64' };

/**
 * Native AOT links with the platform's C toolchain: clang (or gcc) and zlib for the target
 * architecture. Cross-linking to another architecture needs a sysroot this step does not set
 * up, so it is refused with what is missing rather than failing deep inside ILCompiler.
 */
export async function nativeAotPrerequisites(ctx: BuildContext): Promise<void> {
  const { architecture, projectName } = ctx.request;
  const host = HOST_ARCH[process.arch];
  if (host !== architecture) {
    throw new LambdaPackageError('dotnet:aot', `${projectName}: Native AOT for ${architecture} cannot be built on this ${host ?? process.arch} machine`,
      [`Native AOT compiles for the machine's own architecture unless a cross toolchain is set up: clang, an ${architecture === 'arm64' ? 'aarch64' : 'x86_64'} sysroot with zlib, and the ILCompiler package for linux-${architecture === 'arm64' ? 'arm64' : 'x64'}`],
      `build this function on an ${architecture} machine (e.g. an ${architecture} CI runner), or set "architecture": "${host}", or use the managed runtime (dotnet8) which runs on both`);
  }
  try {
    await ctx.exec({ where: 'dotnet:aot', command: 'clang', args: ['--version'], cwd: ctx.workDir });
  } catch (err) {
    if (!(err instanceof LambdaPackageError)) throw err;
    throw new LambdaPackageError('dotnet:aot', `${projectName}: Native AOT needs clang to link the bootstrap, and clang was not found`,
      err.details, 'install clang and zlib1g-dev (Debian/Ubuntu: apt-get install clang zlib1g-dev; tools/setup.sh does it here)');
  }
}

/** Moves the native executable to `bootstrap`; symbol files stay out of the zip. */
export async function stageNativeBootstrap(ctx: BuildContext, publishDir: string, assemblyName: string): Promise<void> {
  const names = (await fsp.readdir(publishDir)).sort();
  if (!names.includes(assemblyName)) {
    throw new LambdaPackageError('dotnet:aot', `${ctx.request.projectName}: dotnet publish wrote no native executable ${assemblyName}`,
      [`publish folder: ${names.join(', ')}`], 'set <OutputType>Exe</OutputType> in the project: a Native AOT function is a program whose Main runs the Lambda runtime loop');
  }
  for (const name of names) {
    if (name.endsWith('.dbg') || name.endsWith('.pdb')) continue;
    const dest = path.join(ctx.stagingDir, name === assemblyName ? BOOTSTRAP : name);
    await fsp.cp(path.join(publishDir, name), dest, { recursive: true });
  }
  await fsp.chmod(path.join(ctx.stagingDir, BOOTSTRAP), 0o755);
}

/** ELF `e_machine` for x86_64 and aarch64. */
const ELF_MACHINE: Record<'x86_64' | 'arm64', number> = { x86_64: 62, arm64: 183 };

export async function checkNativeBootstrap(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck> {
  const entry = tree.zip.entry(BOOTSTRAP);
  if (!entry || entry.type !== 'file') return { ok: false, problem: `needs ${BOOTSTRAP} at the zip root, and there is none`, hint: 'check "exclude": it must not drop bootstrap' };
  if (!entry.executable) return { ok: false, problem: `${BOOTSTRAP} is not executable in the zip`, hint: 'report this: bootstrap is always stored 0755' };
  const head = (await tree.zip.read(BOOTSTRAP)).subarray(0, 20);
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) return { ok: false, problem: `${BOOTSTRAP} is not a Linux ELF executable`, hint: 'check "include": a project file must not replace bootstrap' };
  if (head.readUInt16LE(18) !== ELF_MACHINE[ctx.request.architecture]) {
    return { ok: false, problem: `${BOOTSTRAP} is not built for ${ctx.request.architecture}`, hint: `set "architecture" to the machine it was built for, or rebuild` };
  }
  return { ok: true, detail: `${BOOTSTRAP}: native ELF ${ctx.request.architecture}` };
}
