// Layer versions as Lambda keeps them. Numbers start at 1 per layer name and are never given again
// (a deleted version stays counted). Lists are newest first. DeleteLayerVersion answers 204 whether
// or not the version exists; a deleted version can no longer be read, listed or added to a function,
// but functions that already use it keep it: Lambda keeps a copy until no function refers to it.
import { notFound } from './api-error.mjs';

const LAYER_ARN = /^arn:aws[\w-]*:lambda:[^:]+:\d+:layer:([^:]+)$/;
const LAYER_VERSION_ARN = /^(arn:aws[\w-]*:lambda:[^:]+:\d+:layer:([^:]+)):(\d+)$/;

export class LayerStore {
  /** @param {{ region: string, account: string }} opts */
  constructor(opts) {
    this.region = opts.region;
    this.account = opts.account;
    /** @type {Map<string, any[]>} layer name -> live versions, oldest first */
    this.layers = new Map();
    /** @type {Map<string, number>} layer name -> highest version number ever published */
    this.lastVersion = new Map();
    /** @type {Map<string, any>} version ARN -> a deleted version, kept for the functions that still use it */
    this.deleted = new Map();
  }

  layerArn(name) { return `arn:aws:lambda:${this.region}:${this.account}:layer:${name}`; }

  /** The API takes a layer name or its ARN. */
  nameOf(raw) { return LAYER_ARN.exec(raw)?.[1] ?? raw; }

  publish(layerName, body, code) {
    const versions = this.layers.get(layerName) ?? [];
    this.layers.set(layerName, versions);
    const Version = (this.lastVersion.get(layerName) ?? 0) + 1;
    this.lastVersion.set(layerName, Version);
    const v = {
      Content: { Location: `https://awslambda-${this.region}-layers.s3.${this.region}.amazonaws.com/snapshots/${layerName}-${Version}`, CodeSha256: code.codeSha256, CodeSize: code.codeSize },
      LayerArn: this.layerArn(layerName),
      LayerVersionArn: `${this.layerArn(layerName)}:${Version}`,
      Description: body.Description ?? '',
      CreatedDate: new Date().toISOString().replace('Z', '+0000'),
      Version,
      CompatibleRuntimes: body.CompatibleRuntimes,
      CompatibleArchitectures: body.CompatibleArchitectures,
      LicenseInfo: body.LicenseInfo,
      unzippedSize: code.unzippedSize,
    };
    versions.push(v);
    return layerView(v);
  }

  /** ListLayerVersions: newest first; `Marker` is the index to continue from. */
  listVersions(raw, query) {
    let all = [...(this.layers.get(this.nameOf(raw)) ?? [])].reverse();
    if (query.get('CompatibleRuntime')) all = all.filter((v) => v.CompatibleRuntimes?.includes(query.get('CompatibleRuntime')));
    if (query.get('CompatibleArchitecture')) all = all.filter((v) => v.CompatibleArchitectures?.includes(query.get('CompatibleArchitecture')));
    const { page, NextMarker } = paged(all, query);
    return { LayerVersions: page.map(listItem), NextMarker };
  }

  /** ListLayers: each layer with a live version, by name, with its newest version. */
  listLayers(query) {
    const names = [...this.layers.keys()].filter((n) => this.layers.get(n)?.length).sort();
    const { page, NextMarker } = paged(names, query);
    return {
      Layers: page.map((name) => {
        const versions = /** @type {any[]} */ (this.layers.get(name));
        return { LayerName: name, LayerArn: this.layerArn(name), LatestMatchingVersion: listItem(versions[versions.length - 1]) };
      }),
      NextMarker,
    };
  }

  get(raw, version) {
    const name = this.nameOf(raw);
    const v = this.layers.get(name)?.find((x) => x.Version === Number(version));
    if (!v) throw notFound(`The resource you requested does not exist: ${this.layerArn(name)}:${version}`);
    return layerView(v);
  }

  /** DeleteLayerVersion: idempotent, so a missing version is no error. */
  delete(raw, version) {
    const name = this.nameOf(raw);
    const versions = this.layers.get(name) ?? [];
    const i = versions.findIndex((x) => x.Version === Number(version));
    if (i < 0) return;
    const [v] = versions.splice(i, 1);
    this.deleted.set(v.LayerVersionArn, v);
  }

  /**
   * The version a function refers to: a live one, or (`kept`: the function already had it) one
   * deleted since. Undefined when it cannot be used.
   */
  resolve(arn, kept = false) {
    const m = LAYER_VERSION_ARN.exec(arn);
    const live = m ? this.layers.get(m[2])?.find((x) => x.Version === Number(m[3])) : undefined;
    return live ?? (kept ? this.deleted.get(arn) : undefined);
  }
}

function paged(all, query) {
  const start = Number(query.get('Marker') ?? 0);
  const max = Math.min(Number(query.get('MaxItems') ?? 50), 50);
  return { page: all.slice(start, start + max), NextMarker: start + max < all.length ? String(start + max) : undefined };
}

/** List answers carry no Content. */
function listItem(v) {
  const { Content: _content, ...rest } = layerView(v);
  return rest;
}

function layerView(v) {
  const { unzippedSize: _size, ...rest } = v;
  return JSON.parse(JSON.stringify(rest));
}
