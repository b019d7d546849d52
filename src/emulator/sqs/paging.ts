/** One page of a sorted list of names, and the token of the next page if there is one. */
export interface Page {
  names: string[];
  nextToken?: string;
}

/**
 * Pages through sorted names as SQS's List operations do: all of them without MaxResults
 * (1–1000), else MaxResults at a time with a NextToken naming the last one given.
 */
export function pageOf(sorted: string[], maxResults: number | undefined, nextToken: string | undefined): Page {
  const start = nextToken ? sorted.findIndex((name) => name > Buffer.from(nextToken, 'base64url').toString()) : 0;
  if (start < 0) return { names: [] };
  const names = sorted.slice(start, maxResults ? start + maxResults : undefined);
  const more = maxResults !== undefined && start + maxResults < sorted.length;
  return { names, ...(more ? { nextToken: Buffer.from(names.at(-1)!).toString('base64url') } : {}) };
}
