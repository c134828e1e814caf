import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The recorded push delivery in test/fixtures/github (a tag deletion with GitHub's full repository object). */
const FIXTURE = new URL('../test/fixtures/github/push.payload.json', import.meta.url);

/** A signed push delivery, ready to POST. */
export interface SignedPush {
  /** The JSON body as GitHub sends it: compact, UTF-8. */
  body: Buffer;
  /** `X-Hub-Signature-256`: `sha256=` + HMAC-SHA256 hex of the body. */
  signature: string;
  /** Commits listed in the payload. */
  commits: number;
  /** Paths the commits modify (all under `docs/`). */
  paths: string[];
}

const sha = (text: string) => createHash('sha1').update(text).digest('hex');

const MESSAGES = [
  'docs: clarify the webhook secret set-up',
  'docs: fix broken links in the queue guide',
  'docs: document backpressure thresholds',
  'docs: add troubleshooting steps for rate limits',
  'docs: update the Neo4j connection example',
];

/**
 * GitHub's push payload for a branch push of `owner/repo`, built from the recorded fixture: the fixture's repository,
 * pusher and sender objects (renamed to the connector's repository, so the route claims it), and realistic commits
 * modifying `docs/guides/*.md`, added until the compact JSON reaches `minBytes`. `head_commit` is the last commit,
 * as GitHub sends it.
 */
export function signedGithubPush(options: { owner: string; repo: string; secret: string; minBytes: number }): SignedPush {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown> & { repository: Record<string, unknown> };
  const fullName = `${options.owner}/${options.repo}`;
  const before = sha('before');
  const commits: Record<string, unknown>[] = [];
  const paths: string[] = [];
  const payload = () => ({
    ...fixture,
    ref: 'refs/heads/main',
    before,
    after: commits.length > 0 ? commits[commits.length - 1].id : before,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${fullName}/compare/${before.slice(0, 12)}...${String(commits.at(-1)?.id ?? before).slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    repository: {
      ...fixture.repository,
      name: options.repo,
      full_name: fullName,
      default_branch: 'main',
      master_branch: 'main',
      html_url: `https://github.com/${fullName}`,
      url: `https://github.com/${fullName}`,
    },
  });
  let text = JSON.stringify(payload());
  for (let i = 0; text.length < options.minBytes; i++) {
    const id = sha(`commit-${i}`);
    const path = `docs/guides/page-${i}.md`;
    paths.push(path);
    commits.push({
      id,
      tree_id: sha(`tree-${i}`),
      distinct: true,
      message: MESSAGES[i % MESSAGES.length],
      timestamp: `2026-01-0${(i % 9) + 1}T10:${String(10 + i).slice(-2)}:00+01:00`,
      url: `https://github.com/${fullName}/commit/${id}`,
      author: { name: 'Codertocat', email: '21031067+Codertocat@users.noreply.github.com', username: 'Codertocat' },
      committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
      added: [],
      removed: [],
      modified: [path],
    });
    text = JSON.stringify(payload());
  }
  const body = Buffer.from(text, 'utf8');
  return { body, signature: `sha256=${createHmac('sha256', options.secret).update(body).digest('hex')}`, commits: commits.length, paths };
}
