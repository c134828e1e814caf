import type { GuardedCall } from '../document-source.ts';
import { guarded } from '../guarded.ts';
import type { ListPage } from '../paginate.ts';
import { isSourcePermanentError, SourcePermanentError } from '../source-errors.ts';
import type { ConfluenceClient } from './confluence-client.ts';
import type { ConfluenceOptions } from './confluence-options.ts';
import { type ConfluencePage, fromV1, fromV2 } from './confluence-types.ts';

/** One page of results in the connector's shape, and the absolute URL of the next page, if any. */
export type PageBatch = ListPage<ConfluencePage>;

/** The Confluence calls one poll makes, flavor differences hidden, each already routed through the circuit breaker. */
export interface ConfluenceApi {
  /** One page of a space's pages or blog posts; `bare` leaves bodies out (the deletion check needs ids only). */
  spaceContent(spaceKey: string, type: 'page' | 'blogpost', bare: boolean, next?: string): Promise<PageBatch>;
  /** One page of a CQL search, with bodies. */
  search(cql: string, next?: string): Promise<PageBatch>;
  /** One page or blog post by id, whatever its status, or null when it is gone for good. */
  content(id: string, type: 'page' | 'blogpost'): Promise<ConfluencePage | null>;
}

/**
 * Builds the API over the client: Cloud lists with REST v2 (space keys resolved to ids once, kept in `spaceIds`),
 * Data Center with REST v1; both search with CQL on v1. Every call goes through `guard`.
 */
export function createConfluenceApi(
  connector: string,
  client: ConfluenceClient,
  options: ConfluenceOptions,
  guard: GuardedCall,
  spaceIds: Map<string, string>,
): ConfluenceApi {
  const calls = guarded(client, ['spaceIds', 'v1SpaceContent', 'v2SpaceContent', 'search', 'v1Content', 'v2Content'], guard);
  const base = options.baseUrl;
  const keyOfId = (id: string) => [...spaceIds].find(([, v]) => v === id)?.[0] ?? '';
  const idOfKey = async (key: string): Promise<string> => {
    if (!spaceIds.has(key)) {
      for (const space of await calls.spaceIds(options.spaces)) spaceIds.set(space.key, String(space.id));
    }
    const id = spaceIds.get(key);
    if (id === undefined) {
      throw new SourcePermanentError(connector, 404, `Confluence space '${key}' was not found or is not readable with these credentials: check metadata.spaces`);
    }
    return id;
  };
  return {
    async spaceContent(spaceKey, type, bare, next) {
      if (options.flavor === 'datacenter') {
        const listed = await calls.v1SpaceContent(spaceKey, type, bare, next);
        return { items: listed.results.map((c) => fromV1({ space: { key: spaceKey }, ...c }, listed.base)), next: listed.next };
      }
      const id = await idOfKey(spaceKey);
      const listed = await calls.v2SpaceContent(id, type, bare, next);
      return { items: listed.results.map((p) => fromV2(p, type, spaceKey, listed.base)), next: listed.next };
    },
    async search(cql, next) {
      const listed = await calls.search(cql, next);
      return { items: listed.results.map((c) => fromV1(c, listed.base)), next: listed.next };
    },
    async content(id, type) {
      if (options.flavor === 'datacenter') {
        const found = await calls.v1Content(id);
        return found ? fromV1(found, base) : null;
      }
      // The space ids tell whether the page is in a configured space; a missing space only matters to listings.
      if (spaceIds.size === 0) await idOfKey(options.spaces[0]!).catch((error: unknown) => swallowPermanent(error));
      const found = await calls.v2Content(id, type);
      return found ? fromV2(found, type, keyOfId(String(found.spaceId)), base) : null;
    },
  };
}

function swallowPermanent(error: unknown): void {
  if (!isSourcePermanentError(error)) throw error;
}
