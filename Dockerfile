# inlet: one image for the API/connector process (`inlet serve`) and the workers (`inlet worker`).
# Build stage: compile TypeScript to dist/, then keep production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Run stage: node, the compiled code and production dependencies; no compiler, no tsx, no dev tools; not root.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# A container is reached through its published port, so it listens beyond its own loopback (set the tokens: SECURITY.md).
ENV INLET_HOST=0.0.0.0
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json inlet.yaml ./
COPY docs ./docs
# The SQLite file (embedded mode) and the compose file's /data volume belong to the unprivileged user.
RUN mkdir -p /app/.inlet /data && chown node:node /app/.inlet /data
USER node
EXPOSE 8000
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
