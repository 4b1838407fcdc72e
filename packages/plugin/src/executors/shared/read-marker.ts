import { promises as fsp } from 'node:fs';

/** A function's lambda.json as plain data (absent file: no defaults). */
export async function readMarkerFile<T extends object = Record<string, unknown>>(file: string): Promise<T> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {} as T;
    throw new Error(`nx-lambda: ${file} is not valid JSON: ${(err as Error).message}\nFix the file; it must be a JSON object.`);
  }
}
