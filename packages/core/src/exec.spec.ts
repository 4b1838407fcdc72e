import { describe, expect, it } from 'vitest';
import { exec } from './exec';
import { failure } from './test-support/failure';

const colour = "process.stdout.write('\\x1b[1m\\x1b[31mNo matching distribution found for requests>=2\\x1b[0m\\n'); process.stderr.write('\\x1b[33mwarn\\x1b[0m\\x1b[2K'); process.exitCode = Number(process.argv[1] ?? 0);";

describe('exec', () => {
  it('hands back a tool\'s output without terminal colour sequences (FORCE_COLOR from Nx)', async () => {
    const r = await exec({ where: 'test:exec', command: process.execPath, args: ['-e', colour], cwd: __dirname, env: { FORCE_COLOR: '1' } });
    expect(r.stdout).toBe('No matching distribution found for requests>=2\n');
    expect(r.stderr).toBe('warn');
  });

  it('quotes the output of a failing tool without them too', async () => {
    const err = await failure(exec({ where: 'test:exec', command: process.execPath, args: ['-e', colour, '3'], cwd: __dirname }));
    expect(err.message).toMatch(/^test:exec - .* exited 3/);
    expect(err.details).toContain('warn');
  });
});
