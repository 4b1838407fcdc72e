// Runs one handler from an unzipped function the way Lambda's Node.js runtime loads it:
// `.mjs` with import(), `.js` with require(). Usage: node run-handler.mjs <taskDir> <handler> <eventJson>
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const [taskDir, handler, event] = process.argv.slice(2);
const dot = handler.indexOf('.');
const modulePath = handler.slice(0, dot);
const file = ['.mjs', '.js', '.cjs'].map((ext) => path.join(taskDir, modulePath + ext)).find((f) => existsSync(f));
if (!file) throw new Error(`no module ${modulePath} in ${taskDir}`);
const loaded = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : createRequire(import.meta.url)(file);
let fn = loaded;
for (const part of handler.slice(dot + 1).split('.')) fn = fn?.[part];
if (typeof fn !== 'function') throw new Error(`${handler} is not a function`);
const result = await fn(JSON.parse(event), { functionName: 'local', awsRequestId: 'local-1' });
process.stdout.write(JSON.stringify(result));
