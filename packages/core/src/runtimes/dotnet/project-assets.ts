import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { DependencyRecord } from '../types';

interface AssetsLibrary {
  type?: string;
  runtime?: Record<string, unknown>;
  native?: Record<string, unknown>;
  runtimeTargets?: Record<string, { rid?: string }>;
}

interface ProjectAssets {
  targets?: Record<string, Record<string, AssetsLibrary>>;
}

/**
 * NuGet packages and project references of a restored project, from `obj/project.assets.json`
 * (the restore's own record, so versions are the resolved ones). Sizes are the bytes of the
 * package's runtime files that landed in the publish folder.
 */
export async function readProjectAssets(assetsFile: string, targetKey: string, publishDir: string, rid: string): Promise<DependencyRecord[]> {
  const assets = JSON.parse(await fsp.readFile(assetsFile, 'utf8')) as ProjectAssets;
  const target = assets.targets?.[targetKey] ?? {};
  const published = new Map<string, number>();
  for (const name of await fsp.readdir(publishDir)) {
    const st = await fsp.stat(path.join(publishDir, name));
    if (st.isFile()) published.set(name, st.size);
  }
  const records: DependencyRecord[] = [];
  for (const [id, lib] of Object.entries(target)) {
    const slash = id.lastIndexOf('/');
    const name = id.slice(0, slash);
    const version = id.slice(slash + 1);
    const files = [
      ...Object.keys(lib.runtime ?? {}), ...Object.keys(lib.native ?? {}),
      ...Object.entries(lib.runtimeTargets ?? {}).filter(([, v]) => v.rid === rid).map(([k]) => k),
    ].map((f) => path.posix.basename(f)).filter((f) => f !== '_._');
    const isProject = lib.type === 'project';
    const size = isProject ? published.get(`${name}.dll`) ?? 0 : files.reduce((n, f) => n + (published.get(f) ?? 0), 0);
    records.push({
      name, version, size, location: 'function', platform: files.some((f) => !f.endsWith('.dll')) ? rid : 'any',
      reason: isProject ? 'workspace project (ProjectReference), compiled by dotnet publish' : 'NuGet package restored by dotnet publish',
    });
  }
  return records;
}
