// Tags of a function, as Lambda keeps them: on the function (not a version or alias), addressed by
// its unqualified ARN; at most 50 tags besides those with the reserved "aws:" prefix; keys of
// 1-128 characters, values of at most 256.
import { invalid, validation } from './api-error.mjs';

const MAX_TAGS = 50;

/** Checks `tags` (a map to add) against the function's `current` tags; returns the merged map. */
export function mergeTags(current, tags) {
  if (!tags || typeof tags !== 'object') throw validation('tags', tags, 'Member must not be null');
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) throw validation('tags', key, 'Map keys must have length between 1 and 128');
    if (typeof value !== 'string' || value.length > 256) throw validation('tags', value, 'Map values must have length less than or equal to 256');
    if (/^aws:/i.test(key)) throw invalid(`Tag keys beginning with "aws:" are reserved for AWS use: ${key}`);
  }
  const merged = { ...current, ...tags };
  const counted = Object.keys(merged).filter((k) => !/^aws:/i.test(k)).length;
  if (counted > MAX_TAGS) throw invalid(`A function can have at most ${MAX_TAGS} tags; this request would leave it with ${counted}.`);
  return merged;
}

export function removeTags(current, keys) {
  if (!keys.length) throw validation('tagKeys', '', 'Member must have length greater than or equal to 1');
  const out = { ...current };
  for (const key of keys) delete out[key];
  return out;
}
