# The local stack's helpers: the fake Qashier portal and the one-shot provisioning job
# (docker-compose.yml picks the command). Not deployed anywhere.
# Build from the repo root: docker build -f docker/tools.Dockerfile .
FROM node:24-bookworm-slim
ENV NODE_ENV=production PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WORKDIR /app
# Manifests and lock first: npm ci checks every workspace's package.json against the lock, and
# this layer and the install below stay cached until a manifest changes, not at every source edit.
# test/deploy/dockerfiles.integration.test.ts checks this list against the lock's workspaces.
COPY package.json package-lock.json ./
COPY apps/cli/package.json apps/cli/
COPY libs/blob/package.json libs/blob/
COPY libs/bus/package.json libs/bus/
COPY libs/config/package.json libs/config/
COPY libs/contracts/package.json libs/contracts/
COPY libs/db/package.json libs/db/
COPY libs/errors/package.json libs/errors/
COPY libs/logging/package.json libs/logging/
COPY libs/messages/package.json libs/messages/
COPY libs/server/package.json libs/server/
COPY libs/telemetry/package.json libs/telemetry/
COPY libs/testing/package.json libs/testing/
COPY libs/trigger-client/package.json libs/trigger-client/
COPY libs/vercel-sync/package.json libs/vercel-sync/
COPY services/loader/package.json services/loader/
COPY services/notifier/package.json services/notifier/
COPY services/scraper/package.json services/scraper/
COPY services/trigger/package.json services/trigger/
COPY tools/fake-qashier/package.json tools/fake-qashier/
COPY tools/stack/package.json tools/stack/
# infra/provision-local.ts runs from outside any workspace: it resolves these from /app/node_modules.
RUN npm ci --omit=dev --no-audit --no-fund \
    --workspace @crm-sync/fake-qashier \
    --workspace @crm-sync/bus \
    --workspace @crm-sync/blob \
    --workspace @crm-sync/config \
    --workspace @crm-sync/contracts \
    --workspace @crm-sync/logging \
 && npm cache clean --force
COPY . .
USER node
CMD ["node", "infra/provision-local.ts"]
