import type { ConnectorIdentity } from '../connector-options.ts';

/** What every source over an HTTP API (GitHub, Notion, Confluence) is configured with; the kinds' options extend it. */
export interface HttpSourceOptions {
  /** Per-request timeout in ms (`metadata.request_timeout_seconds`, default 30 s). */
  requestTimeoutMs: number;
  /** The source's credential from the environment (GITHUB_TOKEN, NOTION_TOKEN, CONFLUENCE_API_TOKEN or _PAT); '' for none. */
  token: string;
}

/** The HTTP options from a kind's validated metadata and the connector's token: an `OptionsPart` of the HTTP kinds. */
export function httpSourceOptionsOf(m: { request_timeout_seconds: number }, { token }: Pick<ConnectorIdentity, 'token'>): HttpSourceOptions {
  return { requestTimeoutMs: m.request_timeout_seconds * 1000, token };
}
