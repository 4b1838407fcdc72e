import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPowerShellRuntimeLayer } from '../runtimes/powershell/runtime-layer';
import { findPwsh } from '../runtimes/powershell/pwsh';
import { tempDir } from '../test-support/workspace';
import { invokeFunction, InvokeRequest } from './invoke-function';
import { zipTree } from './test-support/zip-tree';
import { whichOnPath } from './toolchain';

/** The installed pwsh as an absolute path; a missing pwsh fails the suite. */
function requirePwsh(): string {
  const pwsh = findPwsh(undefined);
  const abs = path.isAbsolute(pwsh) ? pwsh : whichOnPath(pwsh);
  if (!abs) throw new Error('pwsh is not installed: run tools/setup.sh');
  return abs;
}

describe('invokeFunction: powershell (custom runtime from the PowerShell runtime layer)', () => {
  let fn: string;
  let runtimeLayer: string;
  const run = (over: Partial<InvokeRequest> & Pick<InvokeRequest, 'handler'>) =>
    invokeFunction({ family: 'powershell', runtime: 'provided.al2023', timeoutMs: 30_000, initTimeoutMs: 120_000, zipPath: fn, layerZips: [runtimeLayer], ...over });

  beforeAll(async () => {
    const dir = await tempDir('invoke-pwsh');
    // A stand-in distribution: a `pwsh` launcher of the installed pwsh (as the runtime's own tests do).
    const dist = path.join(dir, 'dist');
    await fsp.mkdir(dist);
    await fsp.writeFile(path.join(dist, 'pwsh'), `#!/bin/sh\nexec ${requirePwsh()} "$@"\n`, { mode: 0o755 });
    runtimeLayer = (await buildPowerShellRuntimeLayer({ name: 'powershell-runtime', distribution: dist, architecture: 'x86_64', outputPath: path.join(dir, 'runtime') })).zipPath;
    fn = await zipTree(path.join(dir, 'function.zip'), {
      'handler.ps1': `function Invoke-Echo {
  param($LambdaInput, $LambdaContext)
  Write-Host "handling $($LambdaContext.AwsRequestId)"
  @{ echo = $LambdaInput; fn = $env:AWS_LAMBDA_FUNCTION_NAME }
}
function Invoke-Fail {
  param($LambdaInput, $LambdaContext)
  throw [System.ArgumentException]::new('bad input: name missing')
}
function Invoke-Spin {
  param($LambdaInput, $LambdaContext)
  while ($true) { Start-Sleep -Milliseconds 50 }
}
`,
      'broken.ps1': `throw [System.InvalidOperationException]::new('cannot connect to the database at init')
function Invoke-Handler { 'never' }
`,
    });
  });

  it('runs opt/bootstrap from the runtime layer and echoes the event', async () => {
    const r = await run({ handler: 'handler.ps1::Invoke-Echo', event: { name: 'ada' }, functionName: 'ps-fn' });
    expect(r.initError).toBeUndefined();
    expect(r.error).toBeUndefined();
    expect(r.response).toEqual({ echo: { name: 'ada' }, fn: 'ps-fn' });
    expect(r.logs).toContain(`handling ${r.requestId}`);
  });

  it('returns an exception thrown by the function in Lambda\'s shape', async () => {
    const r = await run({ handler: 'handler.ps1::Invoke-Fail' });
    expect(r.error).toMatchObject({ errorType: 'ArgumentException', errorMessage: 'bad input: name missing' });
  });

  it('stops a function that runs past its timeout', async () => {
    const r = await run({ handler: 'handler.ps1::Invoke-Spin', timeoutMs: 2000 });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 2.00 seconds' });
  });

  it('reports a script that throws while loading as an init error', async () => {
    const r = await run({ handler: 'broken.ps1::Invoke-Handler' });
    expect(r.initError).toMatchObject({ errorType: 'InvalidOperationException', errorMessage: 'cannot connect to the database at init' });
  });
});
