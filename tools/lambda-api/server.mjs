// Loopback Lambda control plane (+ minimal S3) for tests: the real @aws-sdk/client-lambda talks
// to it over HTTP on 127.0.0.1. Started and stopped by the tests themselves:
//   const api = await startLambdaApi({ updateDelayMs: 50, buckets: ['artifacts'] });
//   new LambdaClient({ endpoint: api.endpoint, region: api.region, ... });
//   api.counts.UpdateFunctionCode; api.lastInput.UpdateFunctionConfiguration; api.writeCalls(); await api.close();
//   api.state.failNextUpdate('fn', 'EniLimitExceeded', '...'): the next create/update of fn fails as Lambda fails one.
//   DeleteLayerVersion, ListLayers and ListFunctions (FunctionVersion=ALL) as the Lambda API reference describes them (layer-store.mjs).
// Run alone: `node tools/lambda-api/server.mjs [port]` prints {"endpoint": ...}.
import * as http from 'node:http';
import { pathToFileURL } from 'node:url';
import { ApiError, LambdaState } from './lambda-state.mjs';
import { decodeAwsChunked, S3Store } from './s3-store.mjs';

/** Operations that change state: what "zero write calls" counts. */
export const WRITE_OPERATIONS = [
  'CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'PublishVersion',
  'CreateAlias', 'UpdateAlias', 'PublishLayerVersion', 'DeleteLayerVersion', 'TagResource', 'UntagResource', 'PutObject',
];

const F = '/2015-03-31/functions';
const L = '/2018-10-31/layers';
const T = '/2017-03-31/tags';
const ROUTES = [
  ['POST', /^\/2015-03-31\/functions\/?$/, 'CreateFunction', (s, m, b) => [201, s.createFunction(b)]],
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions', (s, m, b, q) => [200, s.listFunctions(q)]],
  ['GET', /^\/2015-03-31\/functions\/([^/]+)\/?$/, 'GetFunction', (s, m, b, q) => [200, s.getFunction(m[1], q.get('Qualifier') ?? undefined)]],
  ['GET', /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, 'GetFunctionConfiguration', (s, m, b, q) => [200, s.configFor(m[1], q.get('Qualifier') ?? undefined)]],
  ['PUT', /^\/2015-03-31\/functions\/([^/]+)\/code$/, 'UpdateFunctionCode', (s, m, b) => [200, s.updateFunctionCode(m[1], b)]],
  ['PUT', /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, 'UpdateFunctionConfiguration', (s, m, b) => [200, s.updateFunctionConfiguration(m[1], b)]],
  ['POST', /^\/2015-03-31\/functions\/([^/]+)\/versions$/, 'PublishVersion', (s, m, b) => [201, s.publishVersion(m[1], b)]],
  ['GET', /^\/2015-03-31\/functions\/([^/]+)\/versions$/, 'ListVersionsByFunction', (s, m, b, q) => [200, s.listVersions(m[1], q)]],
  ['POST', /^\/2015-03-31\/functions\/([^/]+)\/aliases$/, 'CreateAlias', (s, m, b) => [201, s.createAlias(m[1], b)]],
  ['GET', /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/, 'GetAlias', (s, m) => [200, s.getAlias(m[1], m[2])]],
  ['PUT', /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/, 'UpdateAlias', (s, m, b) => [200, s.updateAlias(m[1], m[2], b)]],
  ['POST', /^\/2018-10-31\/layers\/([^/]+)\/versions$/, 'PublishLayerVersion', (s, m, b) => [201, s.publishLayerVersion(m[1], b)]],
  ['GET', /^\/2018-10-31\/layers\/([^/]+)\/versions$/, 'ListLayerVersions', (s, m, b, q) => [200, s.listLayerVersions(m[1], q)]],
  ['GET', /^\/2018-10-31\/layers\/([^/]+)\/versions\/(\d+)$/, 'GetLayerVersion', (s, m) => [200, s.getLayerVersion(m[1], m[2])]],
  ['DELETE', /^\/2018-10-31\/layers\/([^/]+)\/versions\/(\d+)$/, 'DeleteLayerVersion', (s, m) => [204, s.deleteLayerVersion(m[1], m[2])]],
  ['GET', /^\/2018-10-31\/layers\/?$/, 'ListLayers', (s, m, b, q) => [200, s.listLayers(q)]],
  // The resource is the function ARN, URL-encoded into one path segment.
  ['GET', /^\/2017-03-31\/tags\/([^/]+)$/, 'ListTags', (s, m) => [200, s.listTags(m[1])]],
  ['POST', /^\/2017-03-31\/tags\/([^/]+)$/, 'TagResource', (s, m, b) => [204, s.tagResource(m[1], b)]],
  ['DELETE', /^\/2017-03-31\/tags\/([^/]+)$/, 'UntagResource', (s, m, b, q) => [204, s.untagResource(m[1], q.getAll('tagKeys'))]],
];

/** mulberry32: a small seeded PRNG so a fault schedule is the same on every run. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @typedef {object} Faults  Shares (0..1) of requests answered with a fault, drawn in order:
 * @property {number} [seed]
 * @property {number} [throttle]     429 ThrottlingException, not processed
 * @property {number} [serverError]  500 ServiceException, not processed
 * @property {number} [drop]         connection destroyed before processing
 * @property {number} [lostResponse] processed, then the connection is destroyed (the client cannot know)
 * @property {number} [latency]      share delayed by latencyMs before processing
 * @property {number} [latencyMs]
 * @property {boolean} [s3]          apply faults to S3 requests too (default false)
 */

/**
 * @param {{ port?: number, region?: string, updateDelayMs?: number, buckets?: string[], faults?: Faults }} [options]
 */
export async function startLambdaApi(options = {}) {
  const region = options.region ?? 'us-east-1';
  const s3 = new S3Store(options.buckets ?? []);
  const state = new LambdaState({ region, updateDelayMs: options.updateDelayMs ?? 100, s3 });
  /** @type {Record<string, number>} */
  const counts = {};
  /** @type {Record<string, number>} */
  const faultCounts = {};
  /** @type {Record<string, any>} the last JSON body of each Lambda operation: what a test says was sent */
  const lastInput = {};
  let faults = options.faults ?? {};
  let random = seededRandom(faults.seed ?? 1);

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((err) => {
        if (!res.headersSent) sendJson(res, 500, { message: String(err?.stack ?? err) }, 'ServiceException');
      });
    });
  });

  async function handle(req, res, raw) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const isLambda = url.pathname.startsWith(F) || url.pathname.startsWith(L) || url.pathname.startsWith(T);
    const route = isLambda ? ROUTES.find(([m, re]) => m === method && re.test(url.pathname)) : undefined;
    const operation = isLambda ? route?.[2] ?? 'Unknown' : method === 'PUT' ? 'PutObject' : method === 'HEAD' ? 'HeadObject' : 'GetObject';
    counts[operation] = (counts[operation] ?? 0) + 1;

    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
      return sendJson(res, 403, { message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException');
    }
    const fault = (isLambda || faults.s3) ? drawFault() : undefined;
    if (fault) faultCounts[fault] = (faultCounts[fault] ?? 0) + 1;
    if (fault === 'latency') await new Promise((r) => setTimeout(r, faults.latencyMs ?? 200));
    if (fault === 'throttle') return sendJson(res, 429, { message: 'Rate exceeded', Type: 'User' }, 'ThrottlingException');
    if (fault === 'serverError') return sendJson(res, 500, { message: 'An internal error occurred (injected).', Type: 'Service' }, 'ServiceException');
    if (fault === 'drop') return void req.socket.destroy();

    let status, body, headers = {}, isJson = true;
    if (!isLambda) {
      const payload = req.headers['content-encoding']?.includes('aws-chunked') ? decodeAwsChunked(raw) : raw;
      const out = s3.handle(method, url.pathname, payload);
      ({ status, body, headers } = out);
      isJson = false;
    } else if (!route) {
      [status, body] = [404, { message: `No route for ${method} ${url.pathname} in the loopback Lambda API.` }];
      headers['x-amzn-errortype'] = 'UnknownOperationException';
    } else {
      try {
        const input = raw.length ? JSON.parse(raw.toString('utf8')) : {};
        lastInput[operation] = input;
        const match = route[1].exec(url.pathname).map((p, i) => (i ? decodeURIComponent(p) : p));
        [status, body] = route[3](state, match, input, url.searchParams);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        [status, body] = [err.status, { Type: 'User', message: err.message }];
        headers['x-amzn-errortype'] = err.type;
      }
    }
    if (fault === 'lostResponse') return void req.socket.destroy();
    if (!isJson) {
      res.writeHead(status, headers);
      return void res.end(body);
    }
    sendJson(res, status, body, headers['x-amzn-errortype']);
  }

  function drawFault() {
    const r = random();
    let edge = 0;
    for (const kind of ['throttle', 'serverError', 'drop', 'lostResponse', 'latency']) {
      edge += faults[kind] ?? 0;
      if (r < edge) return kind;
    }
    return undefined;
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    region,
    state,
    counts,
    faultCounts,
    lastInput,
    /** Calls of operations that change state since the last reset. */
    writeCalls: () => WRITE_OPERATIONS.reduce((n, op) => n + (counts[op] ?? 0), 0),
    resetCounts() {
      for (const k of Object.keys(counts)) delete counts[k];
      for (const k of Object.keys(faultCounts)) delete faultCounts[k];
      for (const k of Object.keys(lastInput)) delete lastInput[k];
    },
    /** @param {Faults} next */
    setFaults(next) {
      faults = next;
      random = seededRandom(next.seed ?? 1);
    },
    close: () => new Promise((resolve) => {
      for (const f of state.functions.values()) clearTimeout(f.timer);
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

function sendJson(res, status, body, errorType) {
  const text = status === 204 ? '' : JSON.stringify(body ?? {});
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `req-${Date.now()}` };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const api = await startLambdaApi({ port: Number(process.argv[2] ?? 0), buckets: (process.env.LAMBDA_API_BUCKETS ?? 'artifacts').split(',') });
  console.log(JSON.stringify({ endpoint: api.endpoint, region: api.region }));
}
