// Lambda control-plane semantics kept in memory: functions, versions, aliases, layer versions.
// Documented behaviour we keep: CodeSha256 is the base64 SHA-256 of the uploaded zip; a new
// function is Pending then Active, an update is InProgress then Successful after a delay, and
// any update while one is in progress is a ResourceConflictException; 50 MiB direct upload,
// 250 MiB unzipped with layers, at most 5 layers; PublishVersion returns the last version when
// nothing changed since it. Configuration blocks (function-config.mjs) and tags (tags.mjs) follow
// Lambda's rules; tags belong to the function, so they neither need an idle function nor make a
// new version.
import { createHash } from 'node:crypto';
import { ApiError, conflict, invalid, notFound } from './api-error.mjs';
import { BLOCK_FIELDS, blocksFrom, defaultBlocks } from './function-config.mjs';
import { LayerStore } from './layer-store.mjs';
import { mergeTags, removeTags } from './tags.mjs';
import { unzippedSize } from './zip-size.mjs';

export { ApiError };

const MiB = 1024 * 1024;
export const LIMITS = { directZipBytes: 50 * MiB, unzippedBytes: 250 * MiB, maxLayers: 5 };
const ACCOUNT = '123456789012';

/** Config fields UpdateFunctionConfiguration may change and PublishVersion compares. */
const CONFIG_FIELDS = ['Role', 'Handler', 'Runtime', 'Description', 'Timeout', 'MemorySize', 'Environment', 'Layers', ...BLOCK_FIELDS];

export class LambdaState {
  /** @param {{ region: string, updateDelayMs: number, s3: import('./s3-store.mjs').S3Store }} opts */
  constructor(opts) {
    this.region = opts.region;
    this.updateDelayMs = opts.updateDelayMs;
    this.s3 = opts.s3;
    /** @type {Map<string, any>} */
    this.functions = new Map();
    this.layerStore = new LayerStore({ region: this.region, account: ACCOUNT });
    /** @type {Map<string, any[]>} layer name -> live versions, oldest first */
    this.layers = this.layerStore.layers;
    this.revision = 0;
    /**
     * Deprecated runtimes in Lambda's "block function update" phase: no create with them, no new
     * code for a function on one, no UpdateFunctionConfiguration naming one; other settings, and
     * the change to a supported runtime, still go through.
     * @type {Set<string>}
     */
    this.blockedRuntimes = new Set();
    /** @type {Map<string, { reasonCode: string, reason: string }>} function name -> how its next create or update fails */
    this.updateFailures = new Map();
  }

  /**
   * The next create or update of `name` fails after its delay, as Lambda fails one it accepted
   * (an ENI limit, a role it cannot assume, a KMS key): a create leaves State Failed, an update
   * LastUpdateStatus Failed. GetFunction then shows the values that were asked for.
   */
  failNextUpdate(name, reasonCode, reason) {
    this.updateFailures.set(name, { reasonCode, reason });
  }

  functionArn(name) { return `arn:aws:lambda:${this.region}:${ACCOUNT}:function:${name}`; }

  /** Accepts a name, a function ARN or `name:qualifier`. */
  resolveName(raw) {
    const m = /^arn:aws[\w-]*:lambda:[^:]+:\d+:function:([^:]+)(?::(.+))?$/.exec(raw);
    if (m) return { name: m[1], qualifier: m[2] };
    const [name, qualifier] = raw.split(':');
    return { name, qualifier };
  }

  fn(raw) {
    const { name } = this.resolveName(raw);
    const f = this.functions.get(name);
    if (!f) throw notFound(`Function not found: ${this.functionArn(name)}`);
    return f;
  }

  /** Bytes of a code object: base64 ZipFile or an S3 object of our own store. */
  code(input, what) {
    let bytes;
    if (input?.ZipFile) {
      bytes = Buffer.from(input.ZipFile, 'base64');
      if (bytes.length > LIMITS.directZipBytes) {
        throw new ApiError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${LIMITS.directZipBytes} bytes for the ${what} operation`);
      }
    } else if (input?.S3Bucket && input?.S3Key) {
      bytes = this.s3.get(input.S3Bucket, input.S3Key);
      if (!bytes) throw invalid(`Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist. (${input.S3Bucket}/${input.S3Key})`);
    } else {
      throw invalid(`${what}: code is missing (ZipFile or S3Bucket and S3Key).`);
    }
    const size = unzippedSize(bytes);
    if (size === null) throw invalid('Could not unzip uploaded file. Please check your file, then try to upload again.');
    return { bytes, codeSha256: createHash('sha256').update(bytes).digest('base64'), codeSize: bytes.length, unzippedSize: size };
  }

  /**
   * Layer ARNs -> [{Arn, CodeSize}], checking existence, count and the unzipped total. `kept`: the
   * ARNs the function has now, which stay usable after their version is deleted.
   */
  layerRefs(arns, functionUnzipped, kept = []) {
    const list = arns ?? [];
    if (list.length > LIMITS.maxLayers) throw invalid(`Cannot reference more than ${LIMITS.maxLayers} layers.`);
    let total = functionUnzipped;
    const refs = list.map((arn) => {
      const v = this.layerStore.resolve(arn, kept.some((l) => l.Arn === arn));
      if (!v) throw invalid(`Layer version ${arn} does not exist.`);
      total += v.unzippedSize;
      return { Arn: arn, CodeSize: v.Content.CodeSize };
    });
    if (total > LIMITS.unzippedBytes) {
      throw invalid(`Function code combined with layers exceeds the maximum allowed size of ${LIMITS.unzippedBytes} bytes. The actual size is ${total} bytes.`);
    }
    return refs;
  }

  /** Starts an update: InProgress now, Successful (and Active) after the configured delay. */
  beginUpdate(f, pending) {
    const c = f.config;
    if (pending) { c.State = 'Pending'; c.StateReasonCode = 'Creating'; c.StateReason = 'The function is being created.'; }
    c.LastUpdateStatus = 'InProgress';
    c.LastUpdateStatusReasonCode = pending ? 'Creating' : 'InProgress';
    c.LastModified = new Date().toISOString().replace('Z', '+0000');
    c.RevisionId = `rev-${++this.revision}`;
    clearTimeout(f.timer);
    const failure = this.updateFailures.get(c.FunctionName);
    this.updateFailures.delete(c.FunctionName);
    f.timer = setTimeout(() => {
      if (failure) return failUpdate(c, pending, failure);
      c.State = 'Active';
      delete c.StateReasonCode; delete c.StateReason;
      c.LastUpdateStatus = 'Successful';
      delete c.LastUpdateStatusReasonCode; delete c.LastUpdateStatusReason;
    }, this.updateDelayMs);
    f.timer.unref?.();
  }

  assertIdle(f) {
    const c = f.config;
    if (c.State === 'Pending' || c.State === 'Failed') throw conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${c.State}`);
    if (c.LastUpdateStatus === 'InProgress') throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${c.FunctionArn}`);
  }

  assertRuntimeNotBlocked(runtime) {
    if (this.blockedRuntimes.has(runtime)) {
      throw invalid(`The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`);
    }
  }

  createFunction(body) {
    const name = body.FunctionName;
    if (!name) throw invalid('FunctionName is required.');
    if (this.functions.has(name)) throw conflict(`Function already exist: ${name}`);
    for (const k of ['Role', 'Runtime', 'Handler']) if (!body[k]) throw invalid(`${k} is required for a Zip function.`);
    this.assertRuntimeNotBlocked(body.Runtime);
    const code = this.code(body.Code, 'CreateFunction');
    const defaults = defaultBlocks(name);
    const blocks = blocksFrom(body, defaults);
    const tags = body.Tags !== undefined ? mergeTags({}, body.Tags) : {};
    const config = {
      FunctionName: name,
      FunctionArn: this.functionArn(name),
      Runtime: body.Runtime,
      Role: body.Role,
      Handler: body.Handler,
      CodeSize: code.codeSize,
      Description: body.Description ?? '',
      Timeout: body.Timeout ?? 3,
      MemorySize: body.MemorySize ?? 128,
      CodeSha256: code.codeSha256,
      Version: '$LATEST',
      Environment: body.Environment ? { Variables: { ...(body.Environment.Variables ?? {}) } } : undefined,
      Layers: this.layerRefs(body.Layers, code.unzippedSize),
      PackageType: 'Zip',
      Architectures: body.Architectures ?? ['x86_64'],
      ...defaults,
      ...blocks,
    };
    const f = { config, code, versions: [], aliases: new Map(), timer: null, tags };
    this.functions.set(name, f);
    this.beginUpdate(f, true);
    let version;
    if (body.Publish) version = this.publishVersion(name, {}, true);
    return version ?? this.view(config);
  }

  getFunction(raw, qualifier) {
    const c = this.configFor(raw, qualifier);
    const tags = this.fn(raw).tags;
    return {
      Configuration: c,
      Code: { RepositoryType: 'S3', Location: `https://awslambda-${this.region}-tasks.s3.${this.region}.amazonaws.com/snapshots/${c.FunctionName}` },
      ...(Object.keys(tags).length ? { Tags: { ...tags } } : {}),
    };
  }

  configFor(raw, qualifier) {
    const f = this.fn(raw);
    const q = qualifier ?? this.resolveName(raw).qualifier;
    if (!q || q === '$LATEST') return this.view(f.config);
    const alias = f.aliases.get(q);
    const version = f.versions.find((v) => v.Version === (alias ? alias.FunctionVersion : q));
    if (!version) throw notFound(`Function not found: ${f.config.FunctionArn}:${q}`);
    return this.view(version);
  }

  updateFunctionCode(raw, body) {
    const f = this.fn(raw);
    this.assertIdle(f);
    this.assertRuntimeNotBlocked(f.config.Runtime);
    const code = this.code(body, 'UpdateFunctionCode');
    this.layerRefs(f.config.Layers?.map((l) => l.Arn), code.unzippedSize, f.config.Layers);
    f.code = code;
    Object.assign(f.config, { CodeSha256: code.codeSha256, CodeSize: code.codeSize });
    if (body.Architectures) f.config.Architectures = body.Architectures;
    this.beginUpdate(f, false);
    if (body.Publish) return this.publishVersion(f.config.FunctionName, {}, true);
    return this.view(f.config);
  }

  updateFunctionConfiguration(raw, body) {
    const f = this.fn(raw);
    this.assertIdle(f);
    if (body.Runtime !== undefined) this.assertRuntimeNotBlocked(body.Runtime);
    const next = {};
    for (const k of ['Role', 'Handler', 'Runtime', 'Description', 'Timeout', 'MemorySize']) if (body[k] !== undefined) next[k] = body[k];
    if (body.Environment !== undefined) next.Environment = { Variables: { ...(body.Environment.Variables ?? {}) } };
    if (body.Layers !== undefined) next.Layers = this.layerRefs(body.Layers, f.code.unzippedSize, f.config.Layers);
    Object.assign(next, blocksFrom(body, f.config));
    Object.assign(f.config, next);
    this.beginUpdate(f, false);
    return this.view(f.config);
  }

  publishVersion(raw, body, afterUpdate = false) {
    const f = this.fn(raw);
    if (!afterUpdate) this.assertIdle(f);
    if (body.CodeSha256 && body.CodeSha256 !== f.config.CodeSha256) {
      throw invalid(`CodeSHA256 (${body.CodeSha256}) is different from current CodeSHA256 in $LATEST (${f.config.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
    }
    const last = f.versions[f.versions.length - 1];
    if (last && last.CodeSha256 === f.config.CodeSha256 && sameConfig(last, f.config)) return this.view(last);
    const Version = String(f.versions.length + 1);
    const snapshot = { ...structuredClone(f.config), Version, FunctionArn: `${f.config.FunctionArn}:${Version}`, Description: body.Description ?? f.config.Description };
    snapshot.State = 'Active'; snapshot.LastUpdateStatus = 'Successful';
    f.versions.push(snapshot);
    return this.view(snapshot);
  }

  /** $LATEST, then the versions oldest first, like Lambda; `Marker` is the index to continue from. */
  listVersions(raw, query) {
    const f = this.fn(raw);
    const all = [f.config, ...f.versions];
    const start = Number(query.get('Marker') ?? 0);
    const max = Math.min(Number(query.get('MaxItems') ?? 50), 50);
    return { Versions: all.slice(start, start + max).map((c) => this.view(c)), NextMarker: start + max < all.length ? String(start + max) : undefined };
  }

  createAlias(raw, body) {
    const f = this.fn(raw);
    if (f.aliases.has(body.Name)) throw conflict(`Alias already exists: ${f.config.FunctionArn}:${body.Name}`);
    this.checkVersion(f, body.FunctionVersion);
    const alias = { AliasArn: `${f.config.FunctionArn}:${body.Name}`, Name: body.Name, FunctionVersion: body.FunctionVersion, Description: body.Description ?? '', RevisionId: `rev-${++this.revision}` };
    f.aliases.set(body.Name, alias);
    return alias;
  }

  getAlias(raw, name) {
    const alias = this.fn(raw).aliases.get(name);
    if (!alias) throw notFound(`Alias not found: ${this.fn(raw).config.FunctionArn}:${name}`);
    return alias;
  }

  updateAlias(raw, name, body) {
    const f = this.fn(raw);
    const alias = this.getAlias(raw, name);
    if (body.FunctionVersion) { this.checkVersion(f, body.FunctionVersion); alias.FunctionVersion = body.FunctionVersion; }
    if (body.Description !== undefined) alias.Description = body.Description;
    alias.RevisionId = `rev-${++this.revision}`;
    return alias;
  }

  checkVersion(f, version) {
    if (version !== '$LATEST' && !f.versions.some((v) => v.Version === version)) {
      throw notFound(`Function not found: ${f.config.FunctionArn}:${version}`);
    }
  }

  /** Tag APIs take the function's unqualified ARN (versions and aliases carry no tags of their own). */
  taggedFunction(resource) {
    const m = /^arn:aws[\w-]*:lambda:[^:]+:\d+:function:([^:]+)(:.+)?$/.exec(resource);
    if (!m) throw invalid(`Resource must be a function ARN: ${resource}`);
    if (m[2]) throw invalid(`Tags apply to the function, not to a version or alias: use ${this.functionArn(m[1])}`);
    return this.fn(m[1]);
  }

  listTags(resource) {
    return { Tags: { ...this.taggedFunction(resource).tags } };
  }

  tagResource(resource, body) {
    const f = this.taggedFunction(resource);
    f.tags = mergeTags(f.tags, body.Tags);
  }

  untagResource(resource, keys) {
    const f = this.taggedFunction(resource);
    f.tags = removeTags(f.tags, keys);
  }

  publishLayerVersion(layerName, body) {
    return this.layerStore.publish(layerName, body, this.code(body.Content, 'PublishLayerVersion'));
  }

  listLayerVersions(layerName, query) { return this.layerStore.listVersions(layerName, query); }
  getLayerVersion(layerName, version) { return this.layerStore.get(layerName, version); }
  deleteLayerVersion(layerName, version) { this.layerStore.delete(layerName, version); }
  listLayers(query) { return this.layerStore.listLayers(query); }

  /**
   * ListFunctions: $LATEST of each function by name, and with FunctionVersion=ALL its published
   * versions after it; `Marker` is the index to continue from. Like Lambda, without the state fields.
   */
  listFunctions(query) {
    const all = [...this.functions.keys()].sort().flatMap((name) => {
      const f = this.functions.get(name);
      return query.get('FunctionVersion') === 'ALL' ? [f.config, ...f.versions] : [f.config];
    });
    const start = Number(query.get('Marker') ?? 0);
    const max = Math.min(Number(query.get('MaxItems') ?? 50), 50);
    const page = all.slice(start, start + max).map((c) => {
      const { State: _s, StateReason: _sr, StateReasonCode: _src, LastUpdateStatus: _u, LastUpdateStatusReason: _ur, LastUpdateStatusReasonCode: _urc, ...rest } = this.view(c);
      return rest;
    });
    return { Functions: page, NextMarker: start + max < all.length ? String(start + max) : undefined };
  }

  /** What the SDK sees: no internal fields, no undefined keys. */
  view(config) {
    return JSON.parse(JSON.stringify(config));
  }
}

/** A create fails into State Failed (delete and create it again); an update into LastUpdateStatus Failed. */
function failUpdate(c, pending, { reasonCode, reason }) {
  if (pending) Object.assign(c, { State: 'Failed', StateReasonCode: reasonCode, StateReason: reason });
  Object.assign(c, { LastUpdateStatus: 'Failed', LastUpdateStatusReasonCode: reasonCode, LastUpdateStatusReason: reason });
}

function sameConfig(a, b) {
  return CONFIG_FIELDS.every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));
}
