// Writes the schema Nx reads for each batch executor (the seven package executors, deploy): its src/executors/<name>/schema.json
// with every rule Nx would enforce taken out, keeping the types Nx coerces command-line values by,
// the defaults and the descriptions (which name the allowed values). The executor checks each
// task's options against the full schema.json itself (checkOptionsAgainstSchema).
//
// Why: Nx's batch worker checks every task's options against the schema before any executor code
// runs, and the first refusal ends the worker with a bare `#<SchemaError>` and fails every task of
// the batch (`nx run-many -t package --architecture=arm` failed all Node.js functions and said
// nothing useful). Outside batch mode Nx's refusal names neither the function nor the file to fix;
// the executor's own check names both, so every runtime executor gets the same treatment.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

/** A property rule Nx cannot refuse: scalars also accept a string (what Nx leaves an uncoercible command-line value as). */
export function lenientProperty(rule) {
  const { enum: allowed, minimum: _min, maximum: _max, exclusiveMinimum: _xmin, oneOf, type, items, ...kept } = rule;
  if (type === 'array') return { ...kept, type, ...(items ? { items: lenientProperty(items) } : {}) };
  // Nx keeps an object value only when the type is exactly "object" (deploy's environment, vpc, tags).
  if (type === 'object') {
    // Values of any key and type pass (Nx refuses `--environment.X=9`, a number, with a bare SchemaError
    // otherwise); the executor's own check names the option, the value and where to fix it.
    const { properties, additionalProperties: _ap, required: _req, ...rest } = kept;
    const inner = properties ? { properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, lenientProperty(v)])) } : {};
    return { ...rest, type, ...inner, additionalProperties: true };
  }
  const types = oneOf ? oneOf.map((alt) => alt.type ?? type) : [type];
  const scalar = [...new Set([...types.filter(Boolean), 'string'])];
  const values = allowed ?? oneOf?.flatMap((alt) => alt.enum ?? (alt.type === 'boolean' ? [true, false] : []));
  const description = values?.length && kept.description ? `${kept.description} One of: ${values.map(String).join(', ')}.` : kept.description;
  return { ...kept, ...(description ? { description } : {}), type: scalar.length === 1 ? scalar[0] : scalar };
}

export function lenientSchema(schema, name) {
  const { required: _r, additionalProperties: _a, ...kept } = schema;
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, lenientProperty(v)]));
  return { ...kept, description: `${schema.description} (Nx's lenient copy; the executor checks options against src/executors/${name}/schema.json.)`, properties, additionalProperties: true };
}

/** Writes the lenient copy of the schema of every executor whose schema executors.json names as dist/executors/<name>/nx-schema.json; returns how many. */
export function writeNxSchemas() {
  const pluginDir = join(root, 'packages', 'plugin');
  const executors = JSON.parse(readFileSync(join(pluginDir, 'executors.json'), 'utf8')).executors;
  let written = 0;
  for (const [name, entry] of Object.entries(executors)) {
    // Not dist/.../schema.json: for a plugin that is a project of the workspace (as in this
    // repository), Nx looks for an executor's schema in the source folders first and would find src's.
    const lenient = `./dist/executors/${name}/nx-schema.json`;
    if (entry.schema !== lenient) {
      if (entry.batchImplementation) throw new Error(`nx-schemas: executors.json names ${entry.schema} as the schema of ${name}, a batch executor; name ${lenient}, which this script writes from src/executors/${name}/schema.json.`);
      continue;
    }
    const target = join(pluginDir, entry.schema);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(lenientSchema(JSON.parse(readFileSync(join(pluginDir, 'src', 'executors', name, 'schema.json'), 'utf8')), name), null, 2)}\n`);
    written++;
  }
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(`nx-schemas: ${writeNxSchemas()} written`);
