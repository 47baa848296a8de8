# Mentormatch, one image for every role: the API by default (`mentormatch serve`), the worker with
# `mentormatch worker`, one-shot steps with `mentormatch migrate|seed|token` (see compose.yaml).
# The browser console (console/): built with Node in its own stage; only its static files reach the image.
FROM node:20-bookworm-slim AS console
WORKDIR /build/console
COPY console/package.json console/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY schema.graphql /build/schema.graphql
COPY console/ ./
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MENTORMATCH_HOST=0.0.0.0 \
    MENTORMATCH_PORT=8000 \
    MENTORMATCH_CONSOLE_DIR=/app/console/dist

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY infra ./infra
COPY schema ./schema
COPY solver ./solver
COPY jobs ./jobs
COPY domain ./domain
COPY scenarios ./scenarios
COPY --from=console /build/console/dist ./console/dist
RUN pip install . \
    && useradd --create-home --uid 10001 mentormatch \
    && chown -R mentormatch /app
USER mentormatch

EXPOSE 8000
# The API's liveness on the port it listens on (MENTORMATCH_PORT). Services that are not the API
# override it in compose.yaml (the worker checks itself with `mentormatch worker --check`).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('MENTORMATCH_PORT', '8000'), timeout=4)"
CMD ["mentormatch", "serve"]
