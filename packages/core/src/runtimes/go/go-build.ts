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

/**
 * Packages of the build that use cgo (`import "C"`), as go lists them with cgo on: with
 * CGO_ENABLED=0 go leaves those files out silently, so the compiler then reports only their
 * missing names ("undefined: add"). Asked only after a failed build; empty when go cannot tell.
 */
async function cgoPackages(ctx: BuildContext, req: GoBuildRequest): Promise<string[]> {
  const format = '{{if .CgoFiles}}{{.ImportPath}}: {{join .CgoFiles ", "}}{{end}}';
  const listed = await ctx.exec({
    where: 'go:build', command: 'go', args: ['list', '-e', '-deps', '-tags', [...DEFAULT_TAGS, ...req.tags].join(','), '-f', format, req.mainPackage],
    cwd: req.cwd, env: { ...goBuildEnv(ctx, req.architecture), CGO_ENABLED: '1' },
  }).catch(() => undefined);
  return (listed?.stdout ?? '').split('\n').map((l) => l.trim()).filter(Boolean).filter((l) => !/^(runtime\/cgo|net|os\/user|plugin):/.test(l));
}

/** Runs `go build`; a compile failure becomes an error that names the function and shows go's output. */
export async function goBuild(ctx: BuildContext, req: GoBuildRequest): Promise<void> {
  const { projectName } = ctx.request;
  try {
    await ctx.exec({ where: 'go:build', command: 'go', args: goBuildArgs(req), cwd: req.cwd, env: goBuildEnv(ctx, req.architecture) });
  } catch (err) {
    if (!(err instanceof LambdaPackageError) || err.title.includes('not found on PATH')) throw err;
    const cgo = await cgoPackages(ctx, req);
    if (cgo.length) {
      throw new LambdaPackageError('go:build', `${projectName}: go build ${req.mainPackage} failed: it uses cgo, which is off (CGO_ENABLED=0)`,
        [...cgo.map((p) => `cgo files left out: ${p}`), ...err.details],
        'bootstrap is built static with cgo off, so these files are not compiled: replace the import "C" code (or the package that needs it) with pure Go');
    }
    throw new LambdaPackageError('go:build', `${projectName}: go build ${req.mainPackage} failed`, err.details,
      'fix the errors go reports above; the package built is "mainPackage" (default ".") relative to the project root');
  }
}
