# One image recipe for the Node services without a browser (trigger, loader, notifier).
# Build from the repo root: docker build -f docker/node-service.Dockerfile --build-arg SERVICE=loader .
# test/deploy/dockerfiles.integration.test.ts checks the base image, the workspace and the CMD path.
FROM node:24-bookworm-slim
ARG SERVICE
# SERVICE_NAME survives into the running container (an ARG does not); CommonEnv reads it too.
ENV NODE_ENV=production PORT=8080 SERVICE_NAME=${SERVICE} PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Why: libs/config/src/node-options.ts (flat memory at any export size).
ENV NODE_OPTIONS=--max-semi-space-size=8
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
# Only this service's workspace and the @crm-sync/* libraries it uses; no dev tools in the image.
RUN test -n "${SERVICE}" && test -f "services/${SERVICE}/package.json" \
 && npm ci --omit=dev --workspace "@crm-sync/${SERVICE}" --no-audit --no-fund \
 && npm cache clean --force
# Then the sources: the libraries and the services (tools, apps and tests stay out).
COPY libs ./libs
COPY services ./services
RUN test -f "services/${SERVICE}/src/index.ts"
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=5 CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node 24 runs the TypeScript sources directly (type stripping): no build step to drift.
CMD ["sh", "-c", "exec node services/${SERVICE_NAME}/src/index.ts"]
