# Mentormatch: the API by default; the worker with `docker run IMAGE mentormatch worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MENTORMATCH_HOST=0.0.0.0 \
    MENTORMATCH_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY schema ./schema
COPY solver ./solver
COPY jobs ./jobs
COPY domain ./domain
RUN pip install . \
    && useradd --create-home --uid 10001 mentormatch \
    && chown -R mentormatch /app
USER mentormatch

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live')"
CMD ["mentormatch", "serve"]
