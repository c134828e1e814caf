import fc from 'fast-check';

/** What a webhook of a push goes through on its way to inlet. */
export type WebhookFate = 'deliver' | 'drop' | 'duplicate' | 'defer';

/** An inlet process of a history: the serve process (connectors, API, no workers) or one of the worker processes. */
export type ProcessName = 'serve' | `worker${number}`;

/**
 * One step of a convergence history, plain JSON so a printed history replays as it reads. Files are numbered from a
 * small pool, so edits, renames and deletes meet the same documents; a step that does not apply in the state reached
 * (editing nothing, renaming a missing file) does nothing, on both sides: every step list is a valid history.
 */
export type HistoryStep =
  /** Creates or rewrites local file `doc-<file>.md` with `sections` sections of fresh text. */
  | { op: 'localWrite'; file: number; sections: number }
  | { op: 'localDelete'; file: number }
  /** `mv`: the target is replaced when it exists. */
  | { op: 'localRename'; from: number; to: number }
  /** One commit on the fake GitHub: writes (fresh text) and deletes of `docs/doc-<file>.md`, then its push webhook. */
  | { op: 'githubPush'; writes: number[]; deletes: number[]; webhook: WebhookFate }
  | { op: 'githubRename'; from: number; to: number; webhook: WebhookFate }
  /** Delivers the deferred webhooks, newest first: reordered against their pushes. */
  | { op: 'deliverDeferred' }
  | { op: 'kill'; process: ProcessName }
  | { op: 'start'; process: ProcessName }
  /** DEBUG SLEEP for `seconds`, not waited for: the next steps run while Redis hangs. */
  | { op: 'pauseRedis'; seconds: number }
  | { op: 'restartRedis' }
  /** From now on the embedder waits up to `maxDelayMs` and answers a `rateLimitShare` of its requests 429. */
  | { op: 'embedder'; maxDelayMs: number; rateLimitShare: number }
  /** Lets the service work for `ms`, so kills and pauses land at different moments of its work. */
  | { op: 'wait'; ms: number };

/** What a history generator may use. */
export interface HistoryOptions {
  /** Worker processes besides the serve process. Default 2. */
  workers: number;
  /** Whether the Redis target can be paused and restarted. */
  redisFaults: boolean;
  /** Files in the pool of each source. Default 4: few enough that renames and deletes keep meeting the same documents. */
  files?: number;
}

/** The generators of single steps, weighted so that most steps change the sources. */
export function historyStepArbitraries(options: HistoryOptions): fc.Arbitrary<HistoryStep>[] {
  const file = fc.integer({ min: 0, max: (options.files ?? 4) - 1 });
  const fate = fc.constantFrom<WebhookFate>('deliver', 'deliver', 'drop', 'duplicate', 'defer');
  const processName = fc.constantFrom<ProcessName>('serve', ...Array.from({ length: options.workers }, (_, i) => `worker${i}` as const));
  const steps: fc.Arbitrary<HistoryStep>[] = [
    fc.record({ op: fc.constant('localWrite' as const), file, sections: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ op: fc.constant('localWrite' as const), file, sections: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ op: fc.constant('localDelete' as const), file }),
    fc.record({ op: fc.constant('localRename' as const), from: file, to: file }),
    // Twice the weight: a file moved away and back (editors that save through a rename, branch switches) found a bug.
    fc.record({ op: fc.constant('localRename' as const), from: file, to: file }),
    fc.record({
      op: fc.constant('githubPush' as const),
      writes: fc.uniqueArray(file, { maxLength: 3 }),
      deletes: fc.uniqueArray(file, { maxLength: 2 }),
      webhook: fate,
    }),
    fc.record({ op: fc.constant('githubPush' as const), writes: fc.uniqueArray(file, { minLength: 1, maxLength: 2 }), deletes: fc.constant<number[]>([]), webhook: fate }),
    fc.record({ op: fc.constant('githubRename' as const), from: file, to: file, webhook: fate }),
    fc.constant({ op: 'deliverDeferred' as const }),
    fc.record({ op: fc.constant('kill' as const), process: processName }),
    fc.record({ op: fc.constant('start' as const), process: processName }),
    fc.record({ op: fc.constant('embedder' as const), maxDelayMs: fc.constantFrom(0, 50, 300), rateLimitShare: fc.constantFrom(0, 0.2, 0.5) }),
    fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 50, max: 1500 }) }),
  ];
  if (options.redisFaults) {
    steps.push(fc.record({ op: fc.constant('pauseRedis' as const), seconds: fc.integer({ min: 1, max: 3 }) }), fc.constant({ op: 'restartRedis' as const }));
  }
  return steps;
}

/** The path of pool file `n` in the local folder. */
export const localPathOf = (n: number) => `doc-${n}.md`;
/** The path of pool file `n` in the fake repository. */
export const githubPathOf = (n: number) => `docs/doc-${n}.md`;

/**
 * The reference model: what each source holds. Content is made from a revision counter, so a history gives the same
 * texts every time it runs (and a shrunk one replays exactly).
 */
export class SourceModel {
  readonly local = new Map<string, string>();
  readonly github = new Map<string, string>();
  private revision = 0;

  constructor(githubSeed: Record<string, string> = {}) {
    for (const [path, content] of Object.entries(githubSeed)) this.github.set(path, content);
  }

  /** Fresh Markdown for `path`: one heading per section, so documents have 1 to 3 chunks, and words unique to this revision. */
  freshContent(path: string, sections = 1): string {
    const revision = ++this.revision;
    const parts = [`# ${path} revision ${revision}\n\nFirst words of revision ${revision} of ${path}.\n`];
    for (let i = 1; i < sections; i++) parts.push(`## Part ${i} of revision ${revision}\n\nMore text, section ${i}, revision ${revision}.\n`);
    return parts.join('\n');
  }

  /** Document id -> content the stores must end with: `docs:<path>` for the local folder, `github:<path>` for the repository. */
  expectedDocuments(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [path, content] of this.local) out.set(`docs:${path}`, content);
    for (const [path, content] of this.github) out.set(`github:${path}`, content);
    return out;
  }
}

/** A history as one line of JSON per step, ready to paste into a regression test. */
export function formatHistory(steps: readonly HistoryStep[]): string {
  return `[\n${steps.map((s) => `  ${JSON.stringify(s)},`).join('\n')}\n]`;
}
