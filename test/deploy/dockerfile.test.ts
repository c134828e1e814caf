import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// No Docker engine runs on our machines: the Dockerfile's stages are read as text and checked for what production
// relies on. The compiled path itself (`npm run build`, then `node dist/cli.js`) is run in test/e2e/compiled-cli.e2e.test.ts.
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1).map((stage) => `FROM ${stage}`);
const lines = (stage: string) => stage.split('\n').filter((l) => l.trim() && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('builds in one stage and runs the compiled code in a slim second stage', () => {
    expect(stages).toHaveLength(2);
    const [build, run] = stages;
    expect(build).toMatch(/^FROM node:\S+ AS build/);
    expect(build).toContain('RUN npm run build');
    expect(run).toMatch(/^FROM node:\S+-slim\n/);
    expect(lines(run).find((l) => l.startsWith('ENTRYPOINT'))).toBe('ENTRYPOINT ["node", "dist/cli.js"]');
  });

  it('keeps production dependencies only, and no TypeScript sources, in the final image', () => {
    const [build, run] = stages;
    expect(build).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
    expect(run).not.toMatch(/COPY[^\n]* src /);
    expect(run).not.toContain('tsx');
    expect(run).toContain('COPY --from=build /app/node_modules ./node_modules');
  });

  it('runs as an unprivileged user', () => {
    const user = lines(stages[1]).filter((l) => l.startsWith('USER '));
    expect(user).toEqual(['USER node']);
  });
});
