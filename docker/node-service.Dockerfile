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
COPY . .
# Only this service's workspace and the @crm-sync/* libraries it uses; no dev tools in the image.
RUN test -n "${SERVICE}" && test -f "services/${SERVICE}/src/index.ts" \
 && npm ci --omit=dev --workspace "@crm-sync/${SERVICE}" --no-audit --no-fund \
 && npm cache clean --force
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=5 CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node 24 runs the TypeScript sources directly (type stripping): no build step to drift.
CMD ["sh", "-c", "exec node services/${SERVICE_NAME}/src/index.ts"]
