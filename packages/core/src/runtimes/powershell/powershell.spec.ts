import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import { packageFunction, PackageResult } from '../../package/pipeline';
import { makeRequest, tempDir, writeFiles } from '../../test-support/workspace';
import type { FunctionBuildRequest } from '../types';
import { buildPowerShellRuntimeLayer, PowerShellStrategy, RuntimeLayerResult } from './index';
import { findPwsh } from './pwsh';
import { invokeFunction } from '../../invoke/index';
import { failure } from '../../test-support/failure';

const FIXTURES = path.join(__dirname, 'fixtures');

function requirePwsh(): string {
  const pwsh = findPwsh(undefined);
  if (pwsh === 'pwsh' && !(process.env.PATH ?? '').split(path.delimiter).some((d) => existsSync(path.join(d, 'pwsh')))) {
    throw new Error('pwsh is not installed: run tools/setup.sh');
  }
  return pwsh;
}

function pkg(ws: string, projectRoot: string, over: Partial<FunctionBuildRequest> = {}): Promise<PackageResult> {
  return packageFunction(PowerShellStrategy, makeRequest(ws, { family: 'powershell', runtime: 'provided.al2023', handler: 'handler.ps1::Invoke-Handler', projectRoot, ...over }));
}

const entries = (zip: string) => ZipReader.with(zip, (reader) => reader.fileNames);

/** A stand-in pwsh distribution: a `pwsh` launcher of the installed pwsh, as the issue allows. */
async function standInDistribution(pwsh: string): Promise<string> {
  const dir = await tempDir('pwsh-dist');
  const real = pwsh === 'pwsh' ? 'pwsh' : path.resolve(pwsh);
  await fsp.writeFile(path.join(dir, 'pwsh'), `#!/bin/sh\nexec ${real} "$@"\n`, { mode: 0o755 });
  await fsp.writeFile(path.join(dir, 'LICENSE.txt'), 'stand-in distribution for tests\n');
  return dir;
}

describe('powershell: a function with a workspace module, run on the runtime layer', () => {
  let ws: string;
  let result: PackageResult;
  let layer: RuntimeLayerResult;
  beforeAll(async () => {
    const pwsh = requirePwsh();
    ws = await tempDir('ps-with-module');
    await fsp.cp(path.join(FIXTURES, 'with-module'), ws, { recursive: true });
    const dist = await standInDistribution(pwsh);
    [result, layer] = await Promise.all([
      pkg(ws, 'functions/hello'),
      buildPowerShellRuntimeLayer({ name: 'powershell-runtime', distribution: dist, architecture: 'x86_64', outputPath: path.join(ws, 'dist', 'runtime') }),
    ]);
  });

  it('zips the scripts and the required module as modules/<Name>/<Version>/, without tests or project files', async () => {
    expect((await entries(result.zipPath)).sort()).toEqual([
      'handler.ps1', 'modules/PowerShellGreeting/1.2.0/PowerShellGreeting.psd1', 'modules/PowerShellGreeting/1.2.0/PowerShellGreeting.psm1', 'script.ps1',
    ]);
  });

  it('warns that a function naming no layer has no runtime to start on (it packages without the runtime layer here)', () => {
    expect(result.manifest.warnings).toEqual([expect.stringMatching(/^hello names no layer, and a PowerShell function runs on the PowerShell custom runtime[\s\S]*"layers" in functions\/hello\/lambda.json/)]);
  });

  it('records the module with its version and origin in the manifest', () => {
    expect(result.manifest.dependencies).toEqual([expect.objectContaining({ name: 'PowerShellGreeting', version: '1.2.0', location: 'function', reason: 'workspace module project libs/greeting, required by handler.ps1' })]);
    expect(result.manifest.toolchain.pwsh).toMatch(/^7\./);
  });

  it('builds a runtime layer with an executable bootstrap, the runtime loop and pwsh', async () => {
    const reader = await ZipReader.open(layer.zipPath);
    try {
      expect(reader.entry('bootstrap')?.executable).toBe(true);
      expect(reader.entry('powershell/pwsh')?.executable).toBe(true);
      expect(reader.has('powershell-runtime/bootstrap.ps1')).toBe(true);
      expect(reader.has('powershell-runtime/LambdaRuntime.psm1')).toBe(true);
    } finally {
      await reader.close();
    }
    expect(layer.manifest).toMatchObject({ kind: 'powershell-runtime', compatibleArchitectures: ['x86_64'], compatibleRuntimes: ['provided.al2023', 'provided.al2'] });
    expect(layer.manifest.warnings.join()).toContain('not an ELF binary');
  });

  // The packaged function and its runtime layer, run by the local invoke engine as Lambda would.
  const invoke = async (handler: string, event: unknown) => {
    const r = await invokeFunction({ zipPath: result.zipPath, layerZips: [layer.zipPath], family: 'powershell', runtime: 'provided.al2023', handler, event, timeoutMs: 60_000, initTimeoutMs: 60_000, memoryMb: 1024 });
    expect(r.error ?? r.initError).toBeUndefined();
    return r;
  };

  it('answers an event through the Runtime API with script.ps1::Function and the workspace module', async () => {
    expect((await invoke('handler.ps1::Invoke-Handler', { name: 'Ada' })).rawResponse).toBe('Hello, Ada, from PowerShell');
  });

  it('answers with Module::<module>::<function>', async () => {
    expect((await invoke('Module::PowerShellGreeting::Get-Greeting', 'Ada')).rawResponse).toBe('Hello, Ada, from PowerShell');
  });

  it('answers with a whole script, returning objects as JSON with the context available', async () => {
    const r = await invoke('script.ps1', { name: 'Grace' });
    expect((r.response as { greeting: string }).greeting).toBe('Hi Grace');
    expect((r.response as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('powershell: bad input', () => {
  let ws: string;
  beforeAll(async () => {
    requirePwsh();
    ws = await tempDir('ps-bad');
    await fsp.cp(path.join(FIXTURES, 'with-module'), ws, { recursive: true });
    await writeFiles(ws, {
      'functions/broken/handler.ps1': 'function Invoke-Handler {\n  param($LambdaInput\n  "no closing paren"\n}\n',
      'functions/missing-module/handler.ps1': '#Requires -Modules NoSuchModule\nfunction Invoke-Handler { "x" }\n',
      'functions/old-module/handler.ps1': "#Requires -Modules @{ ModuleName = 'PowerShellGreeting'; ModuleVersion = '2.0' }\nfunction Invoke-Handler { 'x' }\n",
      'functions/empty/README.md': 'no scripts here\n',
    });
  });

  it('fails on a script that does not parse, with file, line and message, and leaves no zip', async () => {
    const err = await failure(pkg(ws, 'functions/broken'));
    expect(err.message).toMatch(/^powershell:parse - broken: handler.ps1 does not parse/);
    expect(err.message).toMatch(/handler\.ps1:2:\d+: Missing '\)' in function parameter list/);
    expect(existsSync(path.join(ws, 'dist/functions/broken/function.zip'))).toBe(false);
  });

  it('fails when the handler function is not defined in the script, listing the functions', async () => {
    const err = await failure(pkg(ws, 'functions/hello', { handler: 'handler.ps1::Invoke-Missing', outputPath: path.join(ws, 'dist', 'missing-fn') }));
    expect(err.message).toMatch(/^powershell:handler - hello: handler "handler.ps1::Invoke-Missing" names function Invoke-Missing, which handler.ps1 does not define/);
    expect(err.message).toContain('functions in handler.ps1: Invoke-Handler');
    expect(existsSync(path.join(ws, 'dist', 'missing-fn', 'function.zip'))).toBe(false);
  });

  it('fails when a required module is neither in the workspace nor on the module path', async () => {
    const err = await failure(pkg(ws, 'functions/missing-module'));
    expect(err.message).toMatch(/^powershell:modules - missing-module: module NoSuchModule \(required by handler.ps1\) was not found/);
    expect(err.hint).toContain('Save-Module');
  });

  it('fails when the workspace module is older than #Requires asks', async () => {
    const err = await failure(pkg(ws, 'functions/old-module'));
    expect(err.message).toMatch(/requires PowerShellGreeting >= 2.0, but the workspace has 1.2.0/);
  });

  it('fails on a project without scripts', async () => {
    const err = await failure(pkg(ws, 'functions/empty'));
    expect(err.message).toMatch(/^powershell:resolve - empty has no PowerShell script to package/);
  });

  it('refuses a handler that is none of the three forms', async () => {
    const err = await failure(pkg(ws, 'functions/hello', { handler: 'handler::Invoke-Handler', outputPath: path.join(ws, 'dist', 'bad-form') }));
    expect(err.message).toMatch(/is not one of the PowerShell handler forms/);
    expect(err.hint).toContain('Module::ModuleName::FunctionName');
  });
});

describe('powershell: runtime layer input', () => {
  it('refuses a distribution without pwsh', async () => {
    const dir = await tempDir('pwsh-empty-dist', { 'README.md': 'x' });
    const err = await failure(buildPowerShellRuntimeLayer({ name: 'rt', distribution: dir, architecture: 'x86_64', outputPath: path.join(dir, 'out') }));
    expect(err.message).toMatch(/^powershell:runtime-layer - rt: the pwsh distribution has no pwsh at its top/);
    expect(existsSync(path.join(dir, 'out', 'layer.zip'))).toBe(false);
  });

  it('refuses a native pwsh built for the other architecture', async () => {
    const dir = await tempDir('pwsh-x64-dist');
    // Only the ELF header is read: an x86_64 header stands in for an x86_64 pwsh.
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x7f454c46, 0);
    header.writeUInt16LE(62, 18);
    await fsp.writeFile(path.join(dir, 'pwsh'), header, { mode: 0o755 });
    const err = await failure(buildPowerShellRuntimeLayer({ name: 'rt', distribution: dir, architecture: 'arm64', outputPath: path.join(dir, 'out') }));
    expect(err.message).toMatch(/^powershell:runtime-layer - rt: the pwsh distribution is not built for arm64/);
  });
});
