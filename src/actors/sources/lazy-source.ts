import type { DocumentSource, PollRequest, PollResult } from './document-source.ts';

/**
 * A source whose module (and API client: octokit, the Notion SDK) loads at its first poll, so a service that runs
 * only the local folder does not carry them (bench: idle memory). Options are checked before, at registration.
 */
export function lazySource(load: () => Promise<DocumentSource>): DocumentSource {
  let loaded: DocumentSource | undefined;
  let loading: Promise<DocumentSource> | undefined;
  const source = async () => {
    loading ??= load().then((s) => (loaded = s));
    return loading;
  };
  return {
    poll: async (request: PollRequest): Promise<PollResult> => (await source()).poll(request),
    // Only asked about errors of calls made by a poll, so the source is loaded by then.
    isOutage: (error: unknown) => loaded?.isOutage(error) ?? true,
    health: () => loaded?.health?.() ?? { loaded: false },
  };
}
