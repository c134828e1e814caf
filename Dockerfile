# inlet: one image for the API/connector process (`inlet serve`) and the workers (`inlet worker`).
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY src ./src
COPY tsconfig.json inlet.yaml ./
COPY docs ./docs
ENV NODE_ENV=production
EXPOSE 8000
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["serve"]
