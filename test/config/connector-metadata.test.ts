import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { problemsOf } from './problems-of.ts';

const connector = (name: string, lines: string) => `connectors:\n  ${name}:\n${lines.replace(/^/gm, '    ')}\n`;
const parse = (yaml: string, env: Record<string, string> = {}) => parseConfig(yaml, 'inlet.yaml', env);

describe('connector kind', () => {
  it('defaults to the name when the name is a kind, and is required otherwise', () => {
    expect(parse(connector('github', 'metadata: { owner: o, repo: r }')).connectors.github.kind).toBe('github');
    expect(parse(connector('handbook', 'kind: github\nmetadata: { owner: o, repo: r }')).connectors.handbook.kind).toBe('github');
    expect(problemsOf(connector('docs', 'metadata: { path: ./docs }'))).toEqual([
      "connectors.docs.kind: required when the connector's name is not a kind (local, github, notion, confluence, git)",
    ]);
  });
});

describe('local metadata', () => {
  it('requires path at load, so the CLI exits 2 instead of failing at start', () => {
    expect(problemsOf(connector('docs', 'kind: local'))).toEqual(['connectors.docs.metadata.path: required, the folder to watch']);
    expect(problemsOf(connector('docs', 'kind: local\nmetadata: { path: "" }'))).toEqual(['connectors.docs.metadata.path: required, the folder to watch']);
  });

  it('accepts path and patterns, with .md and .mdx by default', () => {
    expect(parse(connector('docs', 'kind: local\nmetadata: { path: ./docs }')).connectors.docs.metadata).toEqual({ path: './docs', patterns: ['.md', '.mdx'] });
    expect(parse(connector('docs', 'kind: local\nmetadata: { path: ./docs, patterns: [.MD, .txt] }')).connectors.docs.metadata.patterns).toEqual(['.md', '.txt']);
  });

  it('refuses unknown keys and patterns that are not extensions', () => {
    expect(problemsOf(connector('docs', 'kind: local\nmetadata: { path: ./docs, patern: [.md] }'))).toEqual([
      'connectors.docs.metadata.patern: unknown key (did you mean patterns?)',
    ]);
    expect(problemsOf(connector('docs', 'kind: local\nmetadata: { path: ./docs, patterns: ["*.md"] }'))).toEqual([
      "connectors.docs.metadata.patterns.0: '*.md' is not a file extension (write it as .md)",
    ]);
  });
});

describe('git metadata', () => {
  it('requires the remote URL and defaults the rest', () => {
    expect(problemsOf(connector('docs', 'kind: git'))).toEqual([
      'connectors.docs.metadata.url: required, the remote git fetches from (https://host/org/repo.git, ssh://…, git@host:org/repo.git or a path)',
    ]);
    expect(parse(connector('git', 'metadata: { url: "https://gitlab.com/org/handbook.git", docs_path: ./docs/ }')).connectors.git.metadata).toEqual({
      url: 'https://gitlab.com/org/handbook.git',
      branch: '',
      docs_path: 'docs',
      patterns: ['.md', '.mdx'],
      max_file_bytes: 1_000_000,
      timeout_seconds: 120,
      reconcile_hours: 24,
      max_deletion_share: 0.2,
      clone_dir: '',
    });
  });

  it('refuses a URL or branch that git would read as an option, and says which key a typo meant', () => {
    expect(problemsOf(connector('git', 'metadata: { url: "--upload-pack=pwned" }'))).toEqual([
      'connectors.git.metadata.url: a remote URL cannot start with \'-\', got "--upload-pack=pwned"',
    ]);
    expect(problemsOf(connector('git', 'metadata: { url: "https://h/r.git", branch: "-f" }'))).toEqual(["connectors.git.metadata.branch: '-f' is not a branch name"]);
    expect(problemsOf(connector('git', 'metadata: { url: "https://h/r.git", doc_path: docs }'))).toEqual([
      'connectors.git.metadata.doc_path: unknown key (did you mean docs_path?)',
    ]);
  });
});

describe('github metadata', () => {
  it('accepts every documented key', () => {
    const config = parse(
      connector(
        'github',
        'metadata:\n  owner: octo\n  repo: handbook\n  docs_path: ./docs/\n  branch: main\n  patterns: [.md]\n  api_url: https://ghe.example.com/api/v3/\n  max_file_bytes: 5000\n  rate_limit_reserve: 50\n  request_timeout_seconds: 10',
      ),
    );
    expect(config.connectors.github.metadata).toEqual({
      owner: 'octo',
      repo: 'handbook',
      docs_path: 'docs',
      branch: 'main',
      patterns: ['.md'],
      api_url: 'https://ghe.example.com/api/v3',
      max_file_bytes: 5000,
      rate_limit_reserve: 50,
      request_timeout_seconds: 10,
    });
  });

  it('names missing, wrong and unknown keys', () => {
    expect(problemsOf(connector('github', 'metadata: { owner: octo, repository: handbook, max_file_bytes: -1 }'))).toEqual([
      'connectors.github.metadata.repo: required for a GitHub connector',
      'connectors.github.metadata.max_file_bytes: expected a number of at least 0, got -1',
      'connectors.github.metadata.repository: unknown key (did you mean repo?)',
    ]);
    expect(problemsOf(connector('github', 'metadata: { owner: octo, repo: handbook, path: docs }'))).toEqual([
      'connectors.github.metadata.path: unknown key (did you mean docs_path?)',
    ]);
  });
});

describe('notion metadata', () => {
  it('accepts every documented key', () => {
    const config = parse(
      connector(
        'notion',
        'metadata:\n  root_page_ids: [393abc1eedcd80f3813be205934558c6]\n  data_source_ids: "393abc1e-edcd-80f3-813b-e205934558c7"\n  overlap_minutes: 1\n  deletion_check_hours: 2\n  max_deletion_share: 0.5\n  api_url: http://127.0.0.1:9/v1\n  requests_per_second: 1\n  request_timeout_seconds: 5\n  page_size: 20',
      ),
    );
    expect(config.connectors.notion.metadata).toEqual({
      root_page_ids: ['393abc1e-edcd-80f3-813b-e205934558c6'],
      data_source_ids: ['393abc1e-edcd-80f3-813b-e205934558c7'],
      overlap_minutes: 1,
      deletion_check_hours: 2,
      max_deletion_share: 0.5,
      api_url: 'http://127.0.0.1:9',
      requests_per_second: 1,
      request_timeout_seconds: 5,
      page_size: 20,
    });
  });

  it('refuses unknown keys and bad values', () => {
    expect(problemsOf(connector('notion', 'metadata: { root_page_id: [x], page_size: 500 }'))).toEqual([
      'connectors.notion.metadata.page_size: expected a number from 1 to 100, got 500',
      'connectors.notion.metadata.root_page_id: unknown key (did you mean root_page_ids?)',
    ]);
  });
});

describe('confluence metadata', () => {
  it('accepts every documented key, the e-mail also from CONFLUENCE_EMAIL', () => {
    const config = parse(
      connector(
        'confluence',
        'metadata:\n  base_url: https://acme.atlassian.net/wiki/\n  flavor: cloud\n  spaces: ENG, ~jdoe\n  cql: \' label = "public" \'\n  include_blogposts: true\n  time_zone: Europe/Berlin\n  overlap_minutes: 2\n  deletion_check_hours: 12\n  max_deletion_share: 0.1\n  page_size: 250\n  request_timeout_seconds: 20\n  near_limit_pause_ms: 500',
      ),
      { CONFLUENCE_EMAIL: 'me@acme.com', CONFLUENCE_API_TOKEN: 'token' },
    );
    expect(config.connectors.confluence.metadata).toEqual({
      base_url: 'https://acme.atlassian.net/wiki',
      flavor: 'cloud',
      spaces: ['ENG', '~jdoe'],
      cql: 'label = "public"',
      include_blogposts: true,
      time_zone: 'Europe/Berlin',
      overlap_minutes: 2,
      deletion_check_hours: 12,
      max_deletion_share: 0.1,
      page_size: 250,
      request_timeout_seconds: 20,
      near_limit_pause_ms: 500,
      email: 'me@acme.com',
    });
  });

  it('names missing, wrong and unknown keys', () => {
    expect(problemsOf(connector('confluence', 'metadata: { base_url: acme, space: [ENG], include_blogposts: "yes" }'))).toEqual([
      "connectors.confluence.metadata.base_url: required, the site's URL (https://<site>.atlassian.net/wiki or the Data Center URL), got \"acme\"",
      'connectors.confluence.metadata.spaces: required, a list of space keys',
      'connectors.confluence.metadata.include_blogposts: expected true or false, got "yes"',
      'connectors.confluence.metadata.space: unknown key (did you mean spaces?)',
    ]);
  });
});

describe('a disabled connector', () => {
  it('may leave required metadata out, but a typo there is still refused', () => {
    expect(parse(connector('confluence', 'enabled: false')).connectors.confluence.enabled).toBe(false);
    expect(problemsOf(connector('github', 'enabled: false\nmetadata: { ownr: octo }'))).toEqual([
      'connectors.github.metadata.ownr: unknown key (did you mean owner?)',
    ]);
  });
});

describe('connector numbers', () => {
  it('say what they expected and what they got, like the metadata numbers', () => {
    expect(problemsOf(connector('docs', 'kind: local\npoll_interval_seconds: soon\nbatch_size: 2.5\nmax_retries: -1\nmetadata: { path: ./docs }'))).toEqual([
      'connectors.docs.poll_interval_seconds: expected a number above 0, got "soon"',
      'connectors.docs.batch_size: expected a whole number of at least 1, got 2.5',
      'connectors.docs.max_retries: expected a whole number of at least 0, got -1',
    ]);
    expect(parse(connector('docs', 'kind: local\npoll_interval_seconds: "0.5"\nmax_retries: 0\nmetadata: { path: ./docs }')).connectors.docs).toMatchObject({
      poll_interval_seconds: 0.5,
      max_retries: 0,
      batch_size: 50,
    });
  });
});
