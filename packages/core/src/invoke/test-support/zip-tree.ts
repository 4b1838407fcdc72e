import { writeDeterministicZip } from '../../archive/zip-writer';

/** A zip written by our own writer from `{ 'path/in/zip': content }`; names ending in `*` are executable. */
export async function zipTree(target: string, files: Record<string, string | Buffer>): Promise<string> {
  const entries = Object.entries(files).map(([name, content]) => {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const executable = name.endsWith('*');
    return { name: executable ? name.slice(0, -1) : name, type: 'file' as const, data, executable, size: data.length };
  });
  await writeDeterministicZip(target, entries);
  return target;
}
