import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { Architecture, BuildContext } from '../types';

/** Lambda architecture -> GOARCH. */
export const GOARCH: Record<Architecture, string> = { x86_64: 'amd64', arm64: 'arm64' };

/** Tags every bootstrap gets: aws-lambda-go drops its net/rpc path (only go1.x needed it). */
export const DEFAULT_TAGS = ['lambda.norpc'] as const;

export interface GoBuildRequest {
  /** Folder go runs in (the function's project root); go.mod / go.work are found from here. */
  cwd: string;
  /** Package to build: `.`, `./cmd/handler` or an import path. */
  mainPackage: string;
  architecture: Architecture;
  tags: readonly string[];
  /** Absolute output file. */
  output: string;
}

/**
 * Environment for a Lambda build: static linux binary, caches shared by every function of the
 * workspace (outside dist, so Nx outputs stay small and builds stay warm). GOPROXY, GOFLAGS and
 * GOPRIVATE are the user's.
 */
export function goBuildEnv(ctx: BuildContext, architecture: Architecture): Record<string, string> {
  return {
    GOOS: 'linux',
    GOARCH: GOARCH[architecture],
    CGO_ENABLED: '0',
    GOCACHE: path.join(ctx.cacheDir, 'build'),
    GOMODCACHE: path.join(ctx.cacheDir, 'mod'),
  };
}

export function goBuildArgs(req: GoBuildRequest): string[] {
  return [
    'build',
    '-o', req.output,
    '-tags', [...DEFAULT_TAGS, ...req.tags].join(','),
    '-trimpath',
    '-buildvcs=false',
    // An empty build id and no symbol tables: the same sources give the same bytes anywhere.
    '-ldflags', '-s -w -buildid=',
    // Module cache files writable, so the shared cache can be cleaned like any folder.
    '-modcacherw',
    req.mainPackage,
  ];
}

/** Runs `go build`; a compile failure becomes an error that names the function and shows go's output. */
export async function goBuild(ctx: BuildContext, req: GoBuildRequest): Promise<void> {
  const { projectName } = ctx.request;
  try {
    await ctx.exec({ where: 'go:build', command: 'go', args: goBuildArgs(req), cwd: req.cwd, env: goBuildEnv(ctx, req.architecture) });
  } catch (err) {
    if (!(err instanceof LambdaPackageError) || err.title.includes('not found on PATH')) throw err;
    throw new LambdaPackageError('go:build', `${projectName}: go build ${req.mainPackage} failed`, err.details,
      'fix the errors go reports above; the package built is "mainPackage" (default ".") relative to the project root');
  }
}
