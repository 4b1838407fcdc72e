import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { atStep, LambdaPackageError } from '../../errors';
import { Exec, exec as realExec } from '../../exec';
import { archiveStaged, packageExcludes, withTempDirs } from '../../package/pipeline';
import { copyTree } from '../../package/stage';
import type { LayerZipManifest } from '../../layers/layer-artifacts';
import type { Architecture } from '../types';

/** What the PowerShell runtime layer needs: a pwsh build for Lambda's architecture. */
export interface RuntimeLayerRequest {
  /** Name for messages and the manifest (the Nx project). */
  name: string;
  /** Folder of a pwsh distribution (holds `pwsh`), or a `.tar.gz` of one as PowerShell releases ship it. */
  distribution: string;
  architecture: Architecture;
  /** Folder receiving `layer.zip` and `manifest.json`. */
  outputPath: string;
  compressionLevel?: number;
}

export interface RuntimeLayerManifest extends LayerZipManifest {
  kind: 'powershell-runtime';
  /** Zip paths: where pwsh, the bootstrap and the runtime loop sit. */
  layout: Record<string, string>;
  warnings: string[];
}

export interface RuntimeLayerResult {
  zipPath: string;
  manifestPath: string;
  manifest: RuntimeLayerManifest;
}

const RUNTIME_FILES = path.join(__dirname, 'runtime-files');
const ELF_MACHINE: Record<Architecture, number> = { x86_64: 62, arm64: 183 };
export const RUNTIME_LAYER_ZIP = 'layer.zip';

/** A folder of the distribution: unpacks a .tar.gz into `work` first. */
async function distributionFolder(req: RuntimeLayerRequest, work: string, exec: Exec): Promise<string> {
  const st = await fsp.stat(req.distribution).catch(() => undefined);
  if (!st) {
    throw new LambdaPackageError('powershell:runtime-layer', `${req.name}: pwsh distribution ${req.distribution} does not exist`, [],
      `set "pwshDistribution" to the unpacked folder or the .tar.gz of a PowerShell release for linux-${req.architecture === 'arm64' ? 'arm64' : 'x64'}`);
  }
  if (st.isDirectory()) return req.distribution;
  const dest = path.join(work, 'pwsh');
  await fsp.mkdir(dest);
  await exec({ where: 'powershell:runtime-layer', command: 'tar', args: ['-xzf', req.distribution, '-C', dest], cwd: work });
  return dest;
}

/** `pwsh` must be there; when it is a native binary it must be for the layer's architecture. */
async function checkDistribution(req: RuntimeLayerRequest, dir: string, warnings: string[]): Promise<void> {
  const pwsh = path.join(dir, 'pwsh');
  const st = await fsp.stat(pwsh).catch(() => undefined);
  if (!st?.isFile()) {
    throw new LambdaPackageError('powershell:runtime-layer', `${req.name}: the pwsh distribution has no pwsh at its top`, [`looked for ${pwsh}`],
      'point "pwshDistribution" at the folder that holds pwsh (the unpacked powershell-<version>-linux-<arch>.tar.gz)');
  }
  const head = Buffer.alloc(20);
  const fh = await fsp.open(pwsh, 'r');
  try {
    await fh.read(head, 0, 20, 0);
  } finally {
    await fh.close();
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) {
    warnings.push('pwsh in the distribution is not an ELF binary (a launcher script?): its architecture was not checked');
  } else if (head.readUInt16LE(18) !== ELF_MACHINE[req.architecture]) {
    throw new LambdaPackageError('powershell:runtime-layer', `${req.name}: the pwsh distribution is not built for ${req.architecture}`, [`checked ${pwsh}`],
      `use the linux-${req.architecture === 'arm64' ? 'arm64' : 'x64'} PowerShell release, or set "architecture" to match`);
  }
}

/**
 * Builds the PowerShell custom runtime layer: `bootstrap` (0755) at the root, the runtime loop in
 * `powershell-runtime/`, and the given pwsh distribution in `powershell/`. Lambda unpacks it to
 * /opt, where it starts /opt/bootstrap for a provided.* function without a bootstrap of its own.
 */
export async function buildPowerShellRuntimeLayer(req: RuntimeLayerRequest, deps: { exec?: Exec } = {}): Promise<RuntimeLayerResult> {
  const exec = deps.exec ?? realExec;
  const warnings: string[] = [];
  return withTempDirs('powershell-runtime', async (staging, work) => {
    const dist = await atStep('powershell:runtime-layer', () => distributionFolder(req, work, exec));
    await checkDistribution(req, dist, warnings);
    await copyTree(dist, path.join(staging, 'powershell'));
    await fsp.copyFile(path.join(RUNTIME_FILES, 'bootstrap.sh'), path.join(staging, 'bootstrap'));
    await fsp.chmod(path.join(staging, 'bootstrap'), 0o755);
    await fsp.mkdir(path.join(staging, 'powershell-runtime'));
    for (const f of ['bootstrap.ps1', 'LambdaRuntime.psm1']) await fsp.copyFile(path.join(RUNTIME_FILES, f), path.join(staging, 'powershell-runtime', f));
    await fsp.mkdir(req.outputPath, { recursive: true });
    let manifest!: RuntimeLayerManifest;
    const manifestPath = path.join(req.outputPath, 'manifest.json');
    // Committed as a pair with the zip (commitZipAndManifest): never a new zip beside an old manifest.
    const { zip } = await archiveStaged('powershell:runtime-layer', staging, path.join(req.outputPath, RUNTIME_LAYER_ZIP), {
      exclude: packageExcludes([], []), level: req.compressionLevel ?? 6, executables: ['bootstrap', 'powershell/pwsh'], manifestPath,
    }, async (written, reader) => {
      for (const required of ['bootstrap', 'powershell/pwsh']) {
        if (!reader.entry(required)?.executable) {
          throw new LambdaPackageError('powershell:runtime-layer', `${req.name}: ${required} is not executable in the layer zip`, [], 'report this: it is always stored 0755');
        }
      }
      manifest = {
        name: req.name, kind: 'powershell-runtime', compatibleRuntimes: ['provided.al2023', 'provided.al2'], compatibleArchitectures: [req.architecture],
        codeSha256: written.codeSha256, sha256: written.sha256, zippedSize: written.zippedSize, unzippedSize: written.unzippedSize, fileCount: written.fileCount,
        layout: { bootstrap: 'bootstrap', pwsh: 'powershell/pwsh', runtime: 'powershell-runtime/bootstrap.ps1', modules: 'modules/ (other layers may add modules here)' },
        warnings,
      };
      return manifest;
    });
    return { zipPath: zip.path, manifestPath, manifest };
  });
}
