import { createHash } from 'node:crypto';
import type { TagChanges } from './types';

/**
 * Which tags deploy owns. The rule users of SAM / CloudFormation / CDK know: a tag listed in
 * `tags` is set; a tag an earlier deploy set and `tags` no longer lists is removed; a tag nx-lambda
 * never set (added by hand, by an organisation's tag policy, by another tool) is left alone.
 *
 * CloudFormation remembers what it declared in its stack; a deploy here may run on any machine, so
 * the memory lives on the function itself, in one tag: MANAGED_TAGS_KEY holds a short hash of each
 * key deploy set (5 base64url characters each, sorted, no separator: tag keys may contain every
 * character a tag value may, so a readable list of keys could not be split again). 49 hashes fit
 * the 256 characters of a tag value, and Lambda allows 50 tags of which this is one.
 */
export const MANAGED_TAGS_KEY = 'nx-lambda:managed-tags';
export const MAX_MANAGED_TAGS = 49;
const HASH_LENGTH = 5;

export function tagKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, HASH_LENGTH);
}

/** The record of managed keys; the same keys always give the same value. */
export function managedTagsValue(keys: Iterable<string>): string {
  return [...new Set([...keys].map(tagKeyHash))].sort().join('');
}

function managedHashes(value: string | undefined): Set<string> {
  const out = new Set<string>();
  for (let i = 0; value && i + HASH_LENGTH <= value.length; i += HASH_LENGTH) out.add(value.slice(i, i + HASH_LENGTH));
  return out;
}

/** The tags a function gets on create: the listed ones plus the record of them. */
export function tagsForCreate(desired: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!desired || !Object.keys(desired).length) return undefined;
  return { ...desired, [MANAGED_TAGS_KEY]: managedTagsValue(Object.keys(desired)) };
}

/**
 * What TagResource / UntagResource must change on an existing function; null when nothing (or
 * when `desired` is undefined: tags are then not managed at all).
 */
export function planTagChanges(
  desired: Readonly<Record<string, string>> | undefined, current: Readonly<Record<string, string>>, functionArn: string,
): TagChanges | null {
  if (desired === undefined) return null;
  const wanted: Record<string, string> = { ...desired };
  const keys = Object.keys(desired);
  if (keys.length) wanted[MANAGED_TAGS_KEY] = managedTagsValue(keys);
  const set = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const managed = managedHashes(current[MANAGED_TAGS_KEY]);
  const remove = Object.keys(current)
    .filter((k) => !(k in wanted) && (k === MANAGED_TAGS_KEY || managed.has(tagKeyHash(k))))
    .sort();
  return Object.keys(set).length || remove.length ? { functionArn, set, remove } : null;
}

/** One line for the plan: the keys that change (values are left out, as for environment). */
export function describeTagChanges(c: TagChanges): string {
  const set = Object.keys(c.set).filter((k) => k !== MANAGED_TAGS_KEY);
  const removed = c.remove.filter((k) => k !== MANAGED_TAGS_KEY);
  const parts = [set.length ? `set ${set.join(', ')}` : '', removed.length ? `remove ${removed.join(', ')}` : ''].filter(Boolean);
  return `tags differ: ${parts.join('; ') || `record of managed tags (${MANAGED_TAGS_KEY})`}`;
}
