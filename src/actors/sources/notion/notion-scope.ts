import { collectAll } from '../paginate.ts';
import type { NotionApi } from './notion-api.ts';
import { isSourceNotFoundError } from '../source-errors.ts';
import type { NotionOptions } from './notion-options.ts';
import type { NotionPageStates } from './notion-page-states.ts';
import { isGone, type NotionPage, type NotionParent } from './notion-types.ts';

/** How far up a hierarchy the scope check walks before giving up (guards against cycles in bad data). */
const MAX_DEPTH = 64;

/** A parent as kept in the per-document state: `page:<id>`, `data_source:<id>`, `block:<id>`, `database:<id>` or `workspace`. */
export type ParentRef = string;

/** The parent reference of a page, block or data source. */
export function parentRefOf(parent: NotionParent | undefined): ParentRef {
  switch (parent?.type) {
    case 'page_id':
      return `page:${parent.page_id}`;
    case 'data_source_id':
      return `data_source:${parent.data_source_id}`;
    case 'database_id':
      return `database:${parent.database_id}`;
    case 'block_id':
      return `block:${parent.block_id}`;
    default:
      return 'workspace';
  }
}

/**
 * Decides which pages belong to the connector: with no `root_page_ids` and no `data_source_ids`, every page
 * shared with the integration; otherwise the roots, the configured data sources' rows, and everything under
 * them. Walks up the parent chain, fetching unknown ancestors once and remembering them in the per-document state.
 */
export class NotionScope {
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly options: NotionOptions,
    private readonly api: NotionApi,
    /** id → parent, kept in the per-document state so ancestors are fetched once. */
    readonly memory: NotionPageStates,
  ) {}

  /** True when the connector ingests everything shared with the integration. */
  get wholeWorkspace(): boolean {
    return this.options.rootPageIds.length === 0 && this.options.dataSourceIds.length === 0;
  }

  /** Whether `page` is in scope; remembers its parent. */
  async includes(page: NotionPage): Promise<boolean> {
    this.memory.setParent(page.id, parentRefOf(page.parent));
    if (this.wholeWorkspace) return true;
    return this.refInScope(`page:${page.id}`, 0);
  }

  /** The document id of the nearest page or data source above `page` (blocks are skipped), if any. */
  async parentDocumentOf(page: NotionPage): Promise<string | undefined> {
    let ref = parentRefOf(page.parent);
    for (let depth = 0; depth < MAX_DEPTH && ref.startsWith('block:'); depth++) ref = await this.parentOf(ref);
    const [kind, id] = ref.split(':');
    return id !== undefined && kind !== 'block' ? id : undefined;
  }

  /** Every page in scope now, trashed ones left out. */
  async list(): Promise<Map<string, NotionPage>> {
    const found = new Map<string, NotionPage>();
    const add = (page: NotionPage) => {
      if (page.object === 'page' && !isGone(page)) found.set(page.id, page);
    };
    for (const id of this.options.dataSourceIds) (await this.rows(id)).forEach(add);
    for (const id of this.options.rootPageIds) {
      const root = await this.api.page(id);
      if (root) add(root);
    }
    // Search also finds the pages under data source rows and under the roots.
    for (const page of await collectAll((c) => this.api.search(c))) {
      if (!found.has(page.id) && page.object === 'page' && (await this.includes(page))) add(page);
    }
    for (const page of found.values()) this.memory.setParent(page.id, parentRefOf(page.parent));
    return found;
  }

  /** All rows of a data source (an empty list when it is gone or not shared). */
  async rows(dataSourceId: string, since: string | null = null): Promise<NotionPage[]> {
    try {
      return await collectAll((c) => this.api.queryDataSource(dataSourceId, since, c));
    } catch (error) {
      if (isSourceNotFoundError(error)) return [];
      throw error;
    }
  }

  private async refInScope(ref: ParentRef, depth: number): Promise<boolean> {
    const cached = this.verdicts.get(ref);
    if (cached !== undefined) return cached;
    const [kind, id = ''] = ref.split(':');
    let verdict: boolean;
    if (kind === 'page' && this.options.rootPageIds.includes(id)) verdict = true;
    else if ((kind === 'data_source' || kind === 'database') && this.options.dataSourceIds.includes(id)) verdict = true;
    else if (ref === 'workspace' || depth >= MAX_DEPTH) verdict = false;
    else verdict = await this.refInScope(await this.parentOf(ref), depth + 1);
    this.verdicts.set(ref, verdict);
    return verdict;
  }

  /** The parent of a page, block or data source, fetched when not remembered. */
  private async parentOf(ref: ParentRef): Promise<ParentRef> {
    const [kind, id = ''] = ref.split(':');
    const known = this.memory.parentOf(id);
    if (known !== undefined) return known;
    let parent: ParentRef = 'workspace';
    if (kind === 'page') parent = parentRefOf((await this.api.page(id))?.parent);
    else if (kind === 'block') parent = parentRefOf((await this.api.block(id))?.parent);
    else if (kind === 'data_source') {
      const source = await this.api.dataSource(id);
      // A data source's parent is its database; the database's own place is `database_parent`.
      parent = parentRefOf(source?.database_parent ?? source?.parent);
    }
    this.memory.setParent(id, parent);
    return parent;
  }
}
