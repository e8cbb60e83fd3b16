# syntax=docker/dockerfile:1
# One image for api, worker and aws-sandbox; the command picks the process.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
# The image ships no test code: unit tests, harnesses, the cross-app test/ tree, benchmarks.
RUN find dist \( -name '*.test.js*' -o -name '*.test-fixture.js*' \) -delete \
 && rm -rf dist/test dist/bench dist/libs/testing dist/apps/api/src/test-support

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/prisma.config.ts ./prisma.config.ts
COPY --from=build /app/cloudformation ./cloudformation
COPY --from=build /app/apps/aws-sandbox/scenarios ./apps/aws-sandbox/scenarios
COPY --from=build /app/libs/mapping/data ./libs/mapping/data
USER node
EXPOSE 3000 9464 4566
CMD ["node", "dist/apps/api/src/main.js"]

# Migrations are applied at container start by Prisma's own engine (it can download it inside Docker):
# see the `migrate` service in docker-compose.yml. Outside Docker, `npm run db:migrate` applies the same
# folders offline and records them in the same _prisma_migrations table.
FROM build AS migrate
CMD ["npx", "prisma", "migrate", "deploy"]
