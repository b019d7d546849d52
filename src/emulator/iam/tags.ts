import type { Tag } from './constraints.js';
import { invalidInput, limitExceeded } from './iam-errors.js';

/** Most tags a role may have (IAM quotas: TagsPerRole). */
export const maxTagsPerRole = 50;

const sameKey = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Refuses a request that names one tag key twice; IAM compares tag keys without case. */
export function checkDistinctKeys(tags: readonly Tag[]): void {
  const keys = new Set(tags.map((tag) => tag.Key.toLowerCase()));
  if (keys.size < tags.length) throw invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
}

/**
 * The tags of a role after TagRole: a tag whose key the role has (in any case) is
 * overwritten in place, the others are added after. LimitExceeded when the role would
 * have more than {@link maxTagsPerRole}.
 */
export function withTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  checkDistinctKeys(added);
  const result = existing.map((tag) => added.find((other) => sameKey(other.Key, tag.Key)) ?? tag);
  result.push(...added.filter((tag) => !existing.some((other) => sameKey(other.Key, tag.Key))));
  if (result.length > maxTagsPerRole) throw limitExceeded(`Cannot exceed quota for TagsPerRole: ${maxTagsPerRole}.`);
  return result.map((tag) => ({ ...tag }));
}

/** The tags of a role after UntagRole: those whose key (in any case) is named are gone; naming a key it lacks is no error. */
export function withoutTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  return existing.filter((tag) => !keys.some((key) => sameKey(key, tag.Key)));
}
