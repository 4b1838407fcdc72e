// nx-lambda local bootstrap for Lambda's Node.js runtimes.
// Loads the handler exactly as Lambda does ("dir/file.export.nested": the module is everything up
// to the first dot after the last slash; file.js, file.mjs or file.cjs in LAMBDA_TASK_ROOT), then
// serves events from the Runtime API in AWS_LAMBDA_RUNTIME_API until it is stopped.
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const [apiHost, apiPort] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const api = '/2018-06-01/runtime';
// node:http, not fetch: loading undici costs more than the rest of the bootstrap.
const agent = new http.Agent({ keepAlive: true });

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: Number(apiPort), method, path: urlPath, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handlerString = process.env._HANDLER ?? '';

function errorBody(err) {
  if (err instanceof Error) {
    return { errorType: err.name || err.constructor?.name || 'Error', errorMessage: err.message, trace: (err.stack ?? '').split('\n') };
  }
  return { errorType: typeof err, errorMessage: typeof err === 'string' ? err : JSON.stringify(err) ?? String(err), trace: [] };
}

async function post(urlPath, body, errorType) {
  const headers = { 'Content-Type': 'application/json' };
  if (errorType) headers['Lambda-Runtime-Function-Error-Type'] = errorType;
  await request('POST', urlPath, body, headers);
}

class InitError extends Error {
  constructor(type, message) {
    super(message);
    this.name = type;
  }
}

async function loadHandler() {
  const slash = handlerString.lastIndexOf('/');
  const dot = handlerString.indexOf('.', slash + 1);
  if (dot < 0) throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
  const modulePath = handlerString.slice(0, dot);
  const exportPath = handlerString.slice(dot + 1).split('.');
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.resolve(taskRoot, modulePath + ext)).find((f) => existsSync(f));
  if (!file) throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError) throw new InitError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`);
    if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') throw new InitError('Runtime.ImportModuleError', `Error: ${err.message}`);
    throw err;
  }
  // A CommonJS module's exports arrive both as named exports and as `default`.
  let fn = exportPath.reduce((o, k) => (o == null ? undefined : o[k]), mod);
  if (fn === undefined && mod.default) fn = exportPath.reduce((o, k) => (o == null ? undefined : o[k]), mod.default);
  if (typeof fn !== 'function') throw new InitError('Runtime.HandlerNotFound', `${modulePath}.${exportPath.join('.')} is undefined or not exported`);
  return fn;
}

function contextFor(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Promise-returning handlers and (event, context, callback) handlers alike. */
function call(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (err, value) => (err ? reject(err) : resolve(value));
    context.done = callback;
    context.succeed = (value) => resolve(value);
    context.fail = (err) => reject(err);
    try {
      const out = handler(event, context, callback);
      if (out && typeof out.then === 'function') out.then(resolve, reject);
      else if (handler.length < 3) resolve(out);
    } catch (err) {
      reject(err);
    }
  });
}

let handler;
try {
  handler = await loadHandler();
} catch (err) {
  const body = errorBody(err);
  console.error(`${body.errorType}: ${body.errorMessage}`);
  await post(`${api}/init/error`, JSON.stringify(body), body.errorType);
  process.exit(1);
}

let current;
process.on('uncaughtException', async (err) => {
  const body = errorBody(err);
  console.error(err);
  if (current) await post(`${api}/invocation/${current}/error`, JSON.stringify(body), body.errorType);
  process.exit(129);
});

for (;;) {
  const next = await request('GET', `${api}/invocation/next`);
  const requestId = next.headers['lambda-runtime-aws-request-id'];
  const event = JSON.parse(next.body);
  current = requestId;
  try {
    const result = await call(handler, event, contextFor(next.headers));
    await post(`${api}/invocation/${requestId}/response`, JSON.stringify(result === undefined ? null : result));
  } catch (err) {
    const body = errorBody(err);
    console.error(`Invoke Error \t${JSON.stringify(body)}`);
    await post(`${api}/invocation/${requestId}/error`, JSON.stringify(body), body.errorType);
  }
  current = undefined;
}
