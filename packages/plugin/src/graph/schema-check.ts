import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isRecord } from './json';

/**
 * The checks Nx makes of a target's options against its executor's schema.json, for the
 * keywords our schemas use (type, enum, minimum, maximum, exclusiveMinimum, items, properties,
 * required, additionalProperties, oneOf). Two users: the graph runs them on inferred options, and
 * the package executors run them on each task's options before packaging. Nx's batch worker
 * checks options before any executor code runs and dies on the first refusal, taking every task
 * of the batch with it; so Nx gets a lenient copy of each package executor's schema
 * (tools/nx-schemas.mjs) and the executor refuses a wrong option for its own task only.
 */
export interface OptionSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: OptionSchema;
  properties?: Record<string, OptionSchema>;
  required?: string[];
  additionalProperties?: boolean | OptionSchema;
  oneOf?: OptionSchema[];
}

function typeMatches(type: string | undefined, value: unknown): boolean {
  switch (type) {
    case undefined: return true;
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isInteger(value);
    case 'array': return Array.isArray(value);
    case 'object': return isRecord(value);
    default: return true;
  }
}

const shown = (value: unknown) => JSON.stringify(value);

/** What is wrong with `value` at `where` (an option name such as "architecture"); empty when nothing. */
export function schemaProblems(schema: OptionSchema, value: unknown, where = ''): string[] {
  const at = where ? `"${where}"` : 'the options';
  if (schema.oneOf) {
    const fits = schema.oneOf.filter((alt) => schemaProblems({ type: schema.type, ...alt }, value, where).length === 0).length;
    return fits === 1 ? [] : [`${at} is ${shown(value)}; use ${schema.oneOf.map((alt) => (alt.enum ? alt.enum.map(shown).join(' or ') : `a ${alt.type ?? schema.type}`)).join(' or ')}`];
  }
  if (!typeMatches(schema.type, value)) return [`${at} is ${shown(value)}; it must be ${schema.type === 'integer' || schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at} is ${shown(value)}; use one of ${schema.enum.map(String).join(', ')}`];
  const problems: string[] = [];
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at} is ${value}; it must be at least ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) problems.push(`${at} is ${value}; it must be more than ${schema.exclusiveMinimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at} is ${value}; it must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, i) => problems.push(...schemaProblems(items, item, `${where}[${i}]`)));
  }
  if (schema.type === 'object' && isRecord(value)) {
    const record = value;
    const inner = (key: string) => (where ? `${where}.${key}` : key);
    for (const key of schema.required ?? []) if (record[key] === undefined) problems.push(`"${inner(key)}" is missing`);
    for (const [key, v] of Object.entries(record)) {
      const property = schema.properties?.[key];
      if (property) problems.push(...schemaProblems(property, v, inner(key)));
      else if (schema.additionalProperties === false) problems.push(`"${inner(key)}" is not an option of this executor`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(schema.additionalProperties, v, inner(key)));
    }
  }
  return problems;
}

const schemas = new Map<string, OptionSchema>();

/** The full schema.json of an executor (src/executors/<name>/schema.json; Nx reads a lenient copy of a batch executor's). */
export function executorSchema(executor: string): OptionSchema {
  let schema = schemas.get(executor);
  if (!schema) {
    schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'src', 'executors', executor, 'schema.json'), 'utf8')) as OptionSchema;
    schemas.set(executor, schema);
  }
  return schema;
}
