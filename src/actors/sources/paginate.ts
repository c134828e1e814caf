/** One page of a listing and how to ask for the next one, if any. */
export interface ListPage<T> {
  items: T[];
  next: string | undefined;
}

/** Every item of a paginated listing, following `next` until there is none or `stop` says an item ends it. */
export async function collectAll<T>(list: (next?: string) => Promise<ListPage<T>>, stop?: (item: T) => boolean): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  do {
    const page = await list(next);
    for (const item of page.items) {
      if (stop?.(item)) return items;
      items.push(item);
    }
    next = page.next;
  } while (next);
  return items;
}
