import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { normaliseName } from './requirements';

/** One distribution pip installed into the target folder, read from its `.dist-info`. */
export interface InstalledDist {
  /** Name as the distribution spells it. */
  name: string;
  /** PEP 503 normalised name. */
  key: string;
  version: string;
  /** `any` for pure wheels, else the compressed tag set (`cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64`). */
  platform: string;
  /** Files (relative to the target folder) that belong to it and exist. */
  files: string[];
  size: number;
}

function headerValues(text: string, key: string): string[] {
  const prefix = `${key.toLowerCase()}:`;
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // headers end at the first blank line; the description follows
    if (line.toLowerCase().startsWith(prefix)) out.push(line.slice(prefix.length).trim());
  }
  return out;
}

/** `Tag:` lines of WHEEL folded into the wheel filename form; all `*-none-any` tags read as `any`. */
export function platformOfTags(tags: readonly string[]): string {
  if (!tags.length || tags.every((t) => t.endsWith('-none-any'))) return 'any';
  const parts = [0, 1, 2].map((i) => [...new Set(tags.map((t) => t.split('-')[i]))].join('.'));
  return parts.join('-');
}

/** Reads every `*.dist-info` in `site`: name, version, platform tag, files and their size. */
export async function scanInstalled(site: string): Promise<InstalledDist[]> {
  const names = (await fsp.readdir(site).catch(() => [] as string[])).filter((n) => n.endsWith('.dist-info')).sort();
  const dists: InstalledDist[] = [];
  for (const distInfo of names) {
    const dir = path.join(site, distInfo);
    const metadata = await fsp.readFile(path.join(dir, 'METADATA'), 'utf8');
    const wheel = await fsp.readFile(path.join(dir, 'WHEEL'), 'utf8').catch(() => '');
    const record = await fsp.readFile(path.join(dir, 'RECORD'), 'utf8').catch(() => '');
    const name = headerValues(metadata, 'Name')[0] ?? distInfo.replace(/-[^-]*\.dist-info$/, '');
    const listed = record.split(/\r?\n/).map((l) => l.split(',')[0]).filter(Boolean)
      .map((p) => path.posix.normalize(p.replace(/^"|"$/g, '')))
      .filter((p) => !p.startsWith('../') && !path.posix.isAbsolute(p));
    const files: string[] = [];
    let size = 0;
    for (const f of [...new Set([...listed, ...(await fsp.readdir(dir)).map((n) => `${distInfo}/${n}`)])].sort()) {
      const st = await fsp.stat(path.join(site, f)).catch(() => undefined);
      if (!st?.isFile()) continue;
      files.push(f);
      size += st.size;
    }
    dists.push({
      name, key: normaliseName(name), version: headerValues(metadata, 'Version')[0] ?? '0',
      platform: platformOfTags(headerValues(wheel, 'Tag')), files, size,
    });
  }
  return dists;
}

/** Deletes a distribution's files and the folders that become empty. */
export async function removeDist(site: string, dist: InstalledDist): Promise<void> {
  const dirs = new Set<string>();
  for (const f of dist.files) {
    await fsp.rm(path.join(site, f), { force: true });
    for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    await fsp.rmdir(path.join(site, d)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST' && e.code !== 'ENOENT') throw e; // not empty: another distribution's files live there too
    });
  }
}
