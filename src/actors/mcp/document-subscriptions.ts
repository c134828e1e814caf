import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Change, ChangeFeed } from '../changes/change-feed.ts';
import type { Logger } from '../log/logger.ts';
import { documentUri } from './document-uri.ts';

/**
 * The document resources clients subscribed to, over every MCP session of the process, and the one follower of the
 * change feed that tells them: each change committed to a subscribed document, by a worker of this process or of
 * another (the feed is shared), becomes `notifications/resources/updated` to each session subscribed to it. The feed
 * is followed only while some session has a subscription.
 */
export class DocumentSubscriptions {
  private readonly byUri = new Map<string, Set<Server>>();
  private stop?: () => void;
  private starting?: Promise<void>;

  constructor(
    private readonly feed: () => Promise<ChangeFeed | undefined>,
    private readonly logger: Logger,
  ) {}

  /** Subscriptions held now, over all sessions. */
  get size(): number {
    let n = 0;
    for (const servers of this.byUri.values()) n += servers.size;
    return n;
  }

  /** `server`'s client subscribes to `uri`; resolves once changes committed from now on will reach it. */
  async subscribe(server: Server, uri: string): Promise<void> {
    const servers = this.byUri.get(uri) ?? new Set<Server>();
    this.byUri.set(uri, servers);
    servers.add(server);
    try {
      await this.follow();
    } catch (error) {
      this.unsubscribe(server, uri);
      throw error;
    }
  }

  /** `server`'s client no longer wants `uri`. */
  unsubscribe(server: Server, uri: string): void {
    const servers = this.byUri.get(uri);
    servers?.delete(server);
    if (servers?.size === 0) this.byUri.delete(uri);
    this.stopWhenUnused();
  }

  /** The session of `server` ended: all its subscriptions go. */
  drop(server: Server): void {
    for (const uri of [...this.byUri.keys()]) this.unsubscribe(server, uri);
  }

  private async follow(): Promise<void> {
    if (this.stop) return;
    this.starting ??= (async () => {
      const feed = await this.feed();
      if (!feed) throw new Error('this inlet keeps no change feed, so it cannot tell about updates');
      this.stop = await feed.follow(
        (changes) => this.notify(changes),
        (error) => this.logger.warn('mcp: cannot read the change feed for resource updates; retrying', { error }),
      );
      this.stopWhenUnused();
    })().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private stopWhenUnused(): void {
    if (this.byUri.size > 0 || !this.stop) return;
    this.stop();
    this.stop = undefined;
  }

  private notify(changes: Change[]): void {
    for (const uri of new Set(changes.map((change) => documentUri(change.docId)))) {
      for (const server of this.byUri.get(uri) ?? []) {
        // A session that just closed: its drop() follows; nothing to tell.
        server.sendResourceUpdated({ uri }).catch(() => undefined);
      }
    }
  }
}
