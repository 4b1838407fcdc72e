import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { exec } from '../../exec';
import { writeWheel } from '../../runtimes/python/test-support/wheels';
import { writeFiles } from '../../test-support/workspace';

/** npm packages the node functions share, pinned (installed from the npm registry). */
export const NPM_PINS: Record<string, string> = { dayjs: '1.11.13', lodash: '4.17.21', ms: '2.1.3', uuid: '9.0.1', zod: '3.23.8' };

/** Code that uses each npm package; every use returns something checkable. */
const NPM_USE: Record<string, { imp: string; use: string }> = {
  dayjs: { imp: "import dayjs from 'dayjs';", use: "dayjs('2020-02-03').format('YYYY')" },
  lodash: { imp: "import _ from 'lodash';", use: '_.chunk([1, 2, 3, 4], 2).length' },
  ms: { imp: "import ms from 'ms';", use: "ms('2h')" },
  uuid: { imp: "import { validate } from 'uuid';", use: "validate('c2a1f0a4-6d3c-4b8e-9f2a-1b2c3d4e5f60')" },
  zod: { imp: "import { z } from 'zod';", use: "z.object({ n: z.number() }).parse({ n: 7 }).n" },
};

export const NPM_EXPECTED: Record<string, unknown> = { dayjs: '2020', lodash: 2, ms: 7_200_000, uuid: true, zod: 7 };

export interface NodeFunctionSpec {
  /** Packages the handler imports. */
  uses: string[];
  /** Of those, the ones installed into node_modules instead of bundled. */
  nodeModules: string[];
}

/** A workspace root with the pinned npm packages installed (real `npm install`, real lockfile). */
export async function writeNpmWorkspace(root: string): Promise<void> {
  await writeFiles(root, {
    'package.json': JSON.stringify({ name: 'layered-workspace', private: true, dependencies: NPM_PINS }, null, 2),
    'tsconfig.base.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', esModuleInterop: true, strict: true } }),
  });
  await exec({ where: 'test:npm', command: 'npm', args: ['install', '--no-audit', '--no-fund', '--ignore-scripts'], cwd: root, timeoutMs: 300_000 });
}

export async function writeNodeFunction(root: string, projectRoot: string, spec: NodeFunctionSpec): Promise<void> {
  const imports = spec.uses.map((u) => NPM_USE[u].imp).join('\n');
  const body = spec.uses.map((u) => `${JSON.stringify(u)}: ${NPM_USE[u].use}`).join(', ');
  await writeFiles(path.join(root, projectRoot), {
    'src/handler.ts': `${imports}\n\nexport const handler = async () => ({ ${body} });\n`,
  });
}

/** A pure wheel whose module returns its own name; `bytes` of filler make its size realistic. */
export async function writePaddedWheel(dir: string, name: string, version: string, bytes: number): Promise<void> {
  let filler = '';
  for (let i = 0; filler.length < bytes; i++) filler += createHash('sha256').update(`${name}-${i}`).digest('hex');
  await writeWheel(dir, {
    name, version, tag: 'py3-none-any',
    files: {
      [`${name}/__init__.py`]: `def value():\n    return ${JSON.stringify(`${name} ${version}`)}\n`,
      [`${name}/_data.py`]: `DATA = ${JSON.stringify(filler.slice(0, bytes))}\n`,
    },
  });
}

/** A Python function whose handler imports each of `uses` and returns their values. */
export async function writePythonFunction(root: string, projectRoot: string, uses: Record<string, string>): Promise<void> {
  const names = Object.keys(uses).sort();
  await writeFiles(path.join(root, projectRoot), {
    'requirements.txt': `${names.map((n) => `${n}==${uses[n]}`).join('\n')}\n`,
    'app.py': `${names.map((n) => `import ${n}`).join('\n')}\n\n\ndef handler(event, context):\n    return {${names.map((n) => `${JSON.stringify(n)}: ${n}.value()`).join(', ')}}\n`,
  });
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
}
