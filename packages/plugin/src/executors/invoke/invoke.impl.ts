import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { checkZipAgainstManifest, formatInvocation, FUNCTION_MANIFEST, FUNCTION_ZIP, invokeFunction, LambdaPackageError, readManifest } from '@nx-lambda/core';
import { projectsOf } from '../shared/graph-queries';
import { InvokeExecutorOptions, normalizeInvokeOptions } from './lib/normalize-options';
import { failOnKnownError } from '../shared/known-failure';

/**
 * `@nx-lambda/plugin:invoke`: runs the packaged zip and its layers locally. Thin: finds the
 * artifacts (the function's, and each layer project's layer.zip through the project graph) and
 * hands them to invokeFunction in @nx-lambda/core. Runtime, handler and architecture come from the
 * manifest the package target wrote; timeout, memory and environment from the options only (the
 * inferred target's are lambda.json's `deploy` ones). A function error fails the target.
 */
export default async function invokeExecutor(options: InvokeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName;
  const projects = projectsOf(context);
  if (!projectName || !projects[projectName]) throw new Error('nx-lambda: the invoke executor must run as a project target.');
  const projectRoot = projects[projectName].root;
  return failOnKnownError(async () => {
    const n = normalizeInvokeOptions(options, { projectName, projectRoot, workspaceRoot: context.root });
    const manifest = await readManifest(path.join(n.artifactDir, FUNCTION_MANIFEST)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      throw new LambdaPackageError('invoke:artifact', `${projectName} has no ${FUNCTION_MANIFEST} in ${path.relative(context.root, n.artifactDir) || '.'}`, [], `package it first: nx run ${projectName}:package`);
    });
    // The handler, runtime and architecture are the manifest's: they must describe this zip.
    const zipPath = path.join(n.artifactDir, FUNCTION_ZIP);
    await checkZipAgainstManifest('invoke:artifact', zipPath, { zippedSize: manifest.zippedSize, sha256: manifest.sha256 }, `package it again: nx run ${projectName}:package --skip-nx-cache`,
      new LambdaPackageError('invoke:artifact', `${projectName} has no ${FUNCTION_ZIP} beside its ${FUNCTION_MANIFEST} in ${path.relative(context.root, n.artifactDir) || '.'}`, [], `package it first: nx run ${projectName}:package`));
    const layerZips = (manifest.layers ?? []).map((layer) => {
      const dir = manifest.layerArtifacts?.[layer];
      if (!dir) throw new LambdaPackageError('invoke:layers', `${projectName}'s manifest names layer ${layer} but not where its artifacts are`, [], `package ${projectName} again: nx run ${projectName}:package`);
      return path.join(context.root, dir, 'layer.zip');
    });
    const eventJson = await readEvent(n.eventSource, context.root, projectName);
    const result = await invokeFunction({
      zipPath, layerZips, family: manifest.family, runtime: manifest.runtime, handler: manifest.handler,
      architecture: manifest.architecture, eventJson, timeoutMs: n.timeoutMs, memoryMb: n.memoryMb, env: n.env, functionName: projectName,
      ...(manifest.family === 'node' ? { runtimeModules: { from: path.join(context.root, 'node_modules'), packages: runtimeSuppliedImports(manifest.notes) } } : {}),
    });
    const failed = Boolean(result.error || result.initError);
    (failed ? console.error : console.log)(formatInvocation(result, n.memoryMb));
    return { success: !failed };
  });
}

/**
 * Lambda's Node.js runtimes supply AWS SDK v3, which bundles leave out: the workspace's copies of
 * the SDK packages the bundle imports stand in for them, each named, so a missing one is named in
 * the warning. A manifest without the list (written before it was recorded) gets the whole scope.
 */
function runtimeSuppliedImports(notes: Record<string, unknown> | undefined): string[] {
  const imports = notes?.externalImports;
  if (!Array.isArray(imports)) return ['@aws-sdk'];
  const sdk = imports.filter((i): i is string => typeof i === 'string' && i.startsWith('@aws-sdk/')).map((i) => i.split('/').slice(0, 2).join('/'));
  return [...new Set(sdk)].sort();
}

/** The event as Lambda's Invoke API would take it: JSON, or refused before the function runs. */
async function readEvent(source: string | undefined, root: string, projectName: string): Promise<string> {
  if (source === undefined) return '{}';
  const shown = source === '-' ? 'standard input' : path.relative(root, source) || source;
  const text = source === '-' ? await readStdin() : await fsp.readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT' && err.code !== 'EISDIR') throw err;
    throw new LambdaPackageError('invoke:event', `${projectName}: no event file at ${shown}`, [],
      'pass --event=<file> with a path relative to the workspace root (a JSON document), or --event=- to read it from standard input');
  });
  try {
    JSON.parse(text);
  } catch (err) {
    throw new LambdaPackageError('invoke:event', `${projectName}: the event in ${shown} is not JSON (${(err as Error).message})`, [],
      'fix the event: Lambda refuses a payload that is not JSON (InvalidRequestContentException) before the function runs');
  }
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
