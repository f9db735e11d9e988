# syntax=docker/dockerfile:1
#
# The pilotlight gateway image (the Helm chart in helm/pilotlight runs it).
#
#   docker build -t pilotlight:0.1.0 --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
#   docker run --rm -p 8080:8080 -p 9090:9090 \
#     -v "$PWD/my-config.yaml:/etc/pilotlight/pilotlight.yaml:ro" pilotlight:0.1.0
#
# The config must listen on 0.0.0.0 (server.host, server.adminHost) to be
# reachable from outside the container; the chart's ConfigMap does that.
#
# Base image: node:22-bookworm-slim. package.json allows Node >= 20.18.1; Node 20
# reaches end of life in April 2026 while Node 22 is LTS until April 2027, so the
# image ships 22. `--build-arg NODE_VERSION=20` builds on the Node version the
# test suite was run with. Debian slim (glibc) rather than alpine (musl): the
# same libc the tests ran on, and no native-module surprises.

ARG NODE_VERSION=22

# ---- build: compile TypeScript with the dev dependencies ----------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# .dockerignore lets in only what the build needs (src/, config/, dashboards/, tsconfig*.json).
COPY . .
# dashboards/ is optional: make sure the runtime stage has something to copy.
RUN npm run build \
 && mkdir -p dashboards

# ---- runtime: production dependencies and the compiled output only -----------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="pilotlight" \
      org.opencontainers.image.description="Autoscaling, scale-to-zero inference gateway for OpenAI-compatible model servers (vLLM first)" \
      org.opencontainers.image.url="https://github.com/pilotlight/pilotlight" \
      org.opencontainers.image.source="https://github.com/pilotlight/pilotlight" \
      org.opencontainers.image.documentation="https://github.com/pilotlight/pilotlight/blob/main/docs/kubernetes.md" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
COPY --from=build /app/dashboards ./dashboards
COPY --from=build /app/LICENSE ./LICENSE
# The node images' unprivileged user (uid 1000, gid 1000); the files stay root-owned and read-only to it.
USER node
# OpenAI API, admin listener (/metrics, /healthz, /readyz, /admin/models).
EXPOSE 8080 9090
# For docker/compose (Kubernetes ignores HEALTHCHECK and uses the chart's probes).
# The slim image has no curl: ask node. Assumes the default adminPort 9090.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve", "--config", "/etc/pilotlight/pilotlight.yaml"]
