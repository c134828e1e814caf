import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.ts';
import { explainIssues, formatProblem } from './explain-issues.ts';
import { type InterpolationProblem, interpolate } from './interpolate.ts';
import { configSchema, type InletConfig } from './schema.ts';
import { applyRunbookAliases } from './runbook-aliases.ts';

/** Parses and validates a config text; every problem names its key path. */
export function parseConfig(text: string, file: string, env: Record<string, string | undefined>): InletConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const missing: InterpolationProblem[] = [];
  const expanded = interpolate(raw, env, missing) as Record<string, unknown>;
  const problems = missing.map((m) => `${m.path}: environment variable ${m.variable} is not set (use \${${m.variable}:-default} to allow that)`);
  // REDIS_PASSWORD is the runbook's variable; it fills redis.password when the file leaves it out.
  if (env.REDIS_PASSWORD && expanded && typeof expanded === 'object') {
    const redis = (expanded.redis ?? {}) as Record<string, unknown>;
    expanded.redis = { ...redis, password: redis.password || env.REDIS_PASSWORD };
  }
  if (expanded && typeof expanded === 'object') problems.push(...applyRunbookAliases(expanded));
  fillTokensFromEnv(expanded, env);
  fillStoresFromEnv(expanded, env);
  const levelFromEnv = fillLogFromEnv(expanded, env);
  const parsed = configSchema.safeParse(expanded);
  if (!parsed.success) {
    // One line per problem; an unknown key names the valid key it most likely meant.
    for (const problem of explainIssues(configSchema, parsed.error.issues)) {
      const fromEnv = levelFromEnv && problem.path.join('.') === 'log.level' ? ' (from INLET_LOG_LEVEL)' : '';
      problems.push(`${formatProblem(problem)}${fromEnv}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, problems);
  return parsed.data;
}

/** Environment variables that carry each kind's token, as the runbook names them. */
const TOKEN_VARIABLES: Record<string, string> = { github: 'GITHUB_TOKEN', notion: 'NOTION_TOKEN' };

/** A connector without `token` takes its kind's variable (GITHUB_TOKEN), so a runbook-shaped file needs no token key. */
function fillTokensFromEnv(expanded: Record<string, unknown>, env: Record<string, string | undefined>): void {
  const connectors = expanded?.connectors;
  if (!connectors || typeof connectors !== 'object') return;
  for (const [name, section] of Object.entries(connectors as Record<string, Record<string, unknown>>)) {
    if (!section || typeof section !== 'object' || section.token) continue;
    const kind = String(section.kind ?? name);
    if (kind === 'confluence') fillConfluenceCredentials(section, env);
    const variable = TOKEN_VARIABLES[kind];
    if (variable && env[variable]) section.token = env[variable];
  }
}

/**
 * Confluence Cloud: CONFLUENCE_EMAIL + CONFLUENCE_API_TOKEN (basic auth; the e-mail goes to `metadata.email`);
 * Data Center: CONFLUENCE_PAT (bearer). The token lands in `token`, so `secretsOf` redacts it.
 */
function fillConfluenceCredentials(section: Record<string, unknown>, env: Record<string, string | undefined>): void {
  const metadata = section.metadata && typeof section.metadata === 'object' ? (section.metadata as Record<string, unknown>) : {};
  if (env.CONFLUENCE_API_TOKEN && (metadata.email || env.CONFLUENCE_EMAIL)) {
    section.token = env.CONFLUENCE_API_TOKEN;
    section.metadata = { ...metadata, email: metadata.email || env.CONFLUENCE_EMAIL };
  } else if (env.CONFLUENCE_PAT) {
    section.token = env.CONFLUENCE_PAT;
  }
}

/** NEO4J_* and QDRANT_* (and EMBEDDER_API_KEY) fill the store sections a file leaves out, as compose files pass them. */
function fillStoresFromEnv(expanded: Record<string, unknown>, env: Record<string, string | undefined>): void {
  if (!expanded || typeof expanded !== 'object') return;
  const stores = section(expanded, 'stores');
  const neo4j = section(stores, 'neo4j');
  fill(neo4j, 'uri', env.NEO4J_URI);
  fill(neo4j, 'user', env.NEO4J_USER);
  fill(neo4j, 'password', env.NEO4J_PASSWORD);
  const qdrant = section(stores, 'qdrant');
  fill(qdrant, 'url', env.QDRANT_URL);
  fill(qdrant, 'api_key', env.QDRANT_API_KEY);
  fill(section(expanded, 'embedder'), 'api_key', env.EMBEDDER_API_KEY);
}

/** INLET_LOG_LEVEL sets `log.level` when the file leaves it out; true when it did. */
function fillLogFromEnv(expanded: Record<string, unknown>, env: Record<string, string | undefined>): boolean {
  if (!expanded || typeof expanded !== 'object') return false;
  const log = section(expanded, 'log');
  const before = log.level;
  fill(log, 'level', env.INLET_LOG_LEVEL);
  return log.level !== before;
}

/** `parent[key]` as a map to fill, created when absent; a value that is not a map is left for the schema to report. */
function section(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (value !== undefined && value !== null) return {};
  parent[key] = {};
  return parent[key] as Record<string, unknown>;
}

/** Sets `target[key]` to `value` when the file left the key out (or empty). */
function fill(target: Record<string, unknown>, key: string, value: string | undefined): void {
  if (!target[key] && value) target[key] = value;
}

/** Reads the config file; a missing file is an error naming it (start-up needs one to know what to watch). */
export function loadConfig(file: string, env: Record<string, string | undefined>): InletConfig {
  if (!existsSync(file)) throw new ConfigError(file, [`file not found (pass --config <file> or set INLET_CONFIG)`]);
  return parseConfig(readFileSync(file, 'utf8'), file, env);
}

/** Every secret value in the config, so the logger can mask them wherever they appear. */
export function secretsOf(config: InletConfig): string[] {
  const values = [
    config.redis.password,
    config.server.admin_token,
    config.stores.neo4j.password,
    config.stores.qdrant.api_key,
    config.embedder.api_key,
    ...Object.values(config.connectors).flatMap((c) => [c.webhook_secret, c.token].flat()),
  ];
  // Credentials written into URLs: Redis seeds (comma-separated with redis.cluster) and a git remote's user part
  // (`https://oauth2:<token>@gitlab.example/...`, or the token alone as user), which git's own error messages repeat.
  const remotes = Object.values(config.connectors).map((c) => (c.metadata as { url?: unknown }).url);
  for (const text of [...config.redis.url.split(','), ...remotes]) {
    const url = typeof text === 'string' && text !== '' ? safeUrl(text.trim()) : undefined;
    if (url?.password) values.push(decodeURIComponent(url.password));
    else if (url?.username && url.protocol.startsWith('http')) values.push(decodeURIComponent(url.username));
  }
  return values.filter((v) => v.length > 0);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
