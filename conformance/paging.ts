// Paging through GetCoHostCandidates or ListRooms the way the spec states
// it (R17): pages no larger than asked, ascending byte-wise live ids, and
// every next_cursor in the spec's form.
import { cursorAfter } from "./args.js";
import { ConformanceFailure } from "./feed-watcher.js";
import { compareBytes } from "./order.js";

export interface Page {
  liveIds: string[];
  nextCursor: string;
}

/**
 * The live ids of every page from `cursor` on, in order; stops early once a
 * page reaches an id for which `beyond` holds (rooms of no interest).
 */
export async function pageThrough(
  where: string,
  fetch: (cursor: string) => Promise<Page>,
  options: { limit: number; cursor?: string; beyond?: (liveId: string) => boolean },
): Promise<string[]> {
  const seen: string[] = [];
  let cursor = options.cursor ?? "";
  for (let page = 1; ; page++) {
    if (page > 10_000) throw new ConformanceFailure(`${where}: paging did not end`);
    const { liveIds, nextCursor } = await fetch(cursor);
    if (liveIds.length > options.limit)
      throw new ConformanceFailure(`${where}: page ${page} has ${liveIds.length} rooms, more than ${options.limit} (R17.candidates)`);
    if (nextCursor && liveIds.length === 0) throw new ConformanceFailure(`${where}: page ${page} is empty but has a next_cursor`);
    if (nextCursor && nextCursor !== cursorAfter(liveIds.at(-1)!)) {
      throw new ConformanceFailure(
        `${where}: page ${page}'s next_cursor ${JSON.stringify(nextCursor)} is not the spec's cursor after ${JSON.stringify(liveIds.at(-1))} (R17.cursor)`,
      );
    }
    seen.push(...liveIds);
    cursor = nextCursor;
    if (!cursor || (options.beyond && liveIds.some(options.beyond))) break;
  }
  for (let i = 1; i < seen.length; i++) {
    if (compareBytes(seen[i - 1]!, seen[i]!) >= 0)
      throw new ConformanceFailure(
        `${where}: rooms not in ascending byte-wise live_id order at ${JSON.stringify(seen[i])} (R17.candidates)`,
      );
  }
  return seen;
}
