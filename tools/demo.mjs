// The main job end to end: package every example function (all seven runtimes) and the layers
// with the repo's own Nx workspace, then print what was built, read back from the manifests.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', PATH: `${process.env.PATH}:${process.env.HOME}/.dotnet/tools` };
const nx = (...args) => execFileSync('npx', ['nx', ...args], { cwd: root, env, stdio: 'inherit' });

const projects = JSON.parse(execFileSync('npx', ['nx', 'show', 'projects', '--json', '--with-target', 'package'], { cwd: root, env, encoding: 'utf8' }));
const layers = JSON.parse(execFileSync('npx', ['nx', 'show', 'projects', '--json', '--with-target', 'layer'], { cwd: root, env, encoding: 'utf8' }));
if (!projects.length) throw new Error('demo: no project has a package target; is the plugin built (npm run build)?');
nx('run-many', '-t', 'package', 'layer', '--projects', [...projects, ...layers].join(','), '--outputStyle', 'static');

const rows = [];
const row = (name, m) => rows.push([name, m.runtime ?? (m.compatibleRuntimes ?? []).join('/'), m.architecture ?? (m.compatibleArchitectures ?? []).join('/'),
  kib(m.zippedSize), kib(m.unzippedSize), (m.layers ?? []).join(',') || '-', m.codeSha256]);
for (const name of [...projects, ...layers]) {
  const cfg = JSON.parse(execFileSync('npx', ['nx', 'show', 'project', name, '--json'], { cwd: root, env, encoding: 'utf8' }));
  const dir = join(root, 'dist', cfg.root);
  const planPath = join(dir, 'plan.json');
  if (existsSync(planPath)) {
    // A layer project: one row per planned layer, and what it decided.
    const plan = JSON.parse(readFileSync(planPath, 'utf8'));
    for (const l of plan.layers) row(`${l.name} (layer)`, JSON.parse(readFileSync(join(dir, l.name, 'manifest.json'), 'utf8')));
    if (!plan.layers.length) console.log(`${name}: no layer worth building (${describeKept(plan)})`);
    continue;
  }
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) row(name, JSON.parse(readFileSync(manifestPath, 'utf8')));
}
const head = ['function/layer', 'runtime', 'arch', 'zip', 'unzipped', 'layers', 'CodeSha256'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows) console.log(line(r));
console.log(`\n${rows.length} artifacts under dist/`);

function describeKept(plan) {
  const reasons = new Set(Object.values(plan.functions).flatMap((f) => f.kept.map((k) => `${k.key.split('#')[0]}: ${k.reason}`)));
  return [...reasons].slice(0, 3).join('; ') || 'the functions share no dependency';
}

function kib(n) {
  return n === undefined ? '-' : `${(n / 1024).toFixed(1)} KiB`;
}
