# The local stack's helpers: the fake Qashier portal and the one-shot provisioning job
# (docker-compose.yml picks the command). Not deployed anywhere.
# Build from the repo root: docker build -f docker/tools.Dockerfile .
FROM node:24-bookworm-slim
ENV NODE_ENV=production PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WORKDIR /app
COPY . .
# infra/provision-local.ts runs from outside any workspace: it resolves these from /app/node_modules.
RUN npm ci --omit=dev --no-audit --no-fund \
    --workspace @crm-sync/fake-qashier \
    --workspace @crm-sync/bus \
    --workspace @crm-sync/blob \
    --workspace @crm-sync/config \
    --workspace @crm-sync/contracts \
    --workspace @crm-sync/logging \
 && npm cache clean --force
USER node
CMD ["node", "infra/provision-local.ts"]
