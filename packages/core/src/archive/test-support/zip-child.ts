/**
 * A zip writer run as its own process, so tests can set TZ or umask, SIGKILL it mid-write and read
 * its peak RSS. argv: <root> <target> [options JSON]; prints one JSON line with the result.
 */
import { collectTree } from '../collect-tree';
import { writeDeterministicZip } from '../zip-writer';

async function main(): Promise<void> {
  const [root, target, json] = process.argv.slice(2);
  const tree = await collectTree(root);
  const result = await writeDeterministicZip(target, tree.entries, json ? JSON.parse(json) : {});
  process.stdout.write(`${JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
});
