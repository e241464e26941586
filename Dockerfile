# syntax=docker/dockerfile:1
# One image for every Wuyi service: `wuyi serve <service> [--worker]` picks what it runs
# (docker-compose.yml, deploy/k8s/). Built in stages so the runtime image holds only the
# virtual environment: no compiler, no uv, no sources beyond the installed packages.
#
#   docker build -t wuyi:dev .
#
# tests/deploy/test_dockerfile.py lints this file with hadolint and runs the builder's
# install steps in a clean directory.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG UV_VERSION=0.13.9

# --- web: the front-end (web/, Vue + Vite) built as scripts/install builds it: npm ci from the
# committed lock file, then vite build into dashboard/wuyi_dashboard/app (docs/web.md) ---------
FROM node:22-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build -- --logLevel warn

# --- build: install from uv.lock exactly as scripts/install does (uv sync --frozen) ---------
FROM ${PYTHON_IMAGE} AS build
ARG UV_VERSION
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install "uv==${UV_VERSION}"
WORKDIR /src
# Dependencies first (their layer survives source edits): every workspace member's metadata.
COPY pyproject.toml uv.lock ./
COPY contracts/pyproject.toml contracts/
COPY core/pyproject.toml core/
COPY services/registry/pyproject.toml services/registry/
COPY services/reporting/pyproject.toml services/reporting/
COPY services/scoring/pyproject.toml services/scoring/
COPY services/notifier/pyproject.toml services/notifier/
COPY dashboard/pyproject.toml dashboard/
RUN uv sync --frozen --no-dev --no-install-workspace --python "$(command -v python3)"
# Then the sources; --no-editable installs the members into the environment itself, so the
# runtime stage needs /app/.venv alone.
COPY contracts/ contracts/
COPY core/ core/
COPY services/ services/
COPY dashboard/ dashboard/
COPY wuyi/ wuyi/
# the built web application goes into the dashboard package before it is installed
COPY --from=web /src/dashboard/wuyi_dashboard/app/ dashboard/wuyi_dashboard/app/
RUN uv sync --frozen --no-dev --no-editable --python "$(command -v python3)" \
    && /app/.venv/bin/wuyi --help > /dev/null

# --- runtime ----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="wuyi" \
      org.opencontainers.image.description="Wuyi (无疫) services: registry, reporting, scoring, notifier"
# Noto CJK (Debian's fonts-noto-cjk, about 90 MB): the Chinese font the PDF exports embed
# (core/wuyi_core/documents/fonts.py); without it they answer 503 naming the package.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk=1:20220127+repack1-1 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 wuyi \
    && useradd --system --uid 10001 --gid wuyi --home-dir /app --shell /usr/sbin/nologin wuyi \
    && mkdir -p /var/lib/wuyi/checkpoints \
    && chown -R wuyi:wuyi /var/lib/wuyi
COPY --from=build --chown=wuyi:wuyi /app/.venv /app/.venv
COPY --chown=wuyi:wuyi deploy/docker/healthcheck.py /app/healthcheck.py
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    WUYI_HOST=0.0.0.0 \
    WUYI_PORT=8000 \
    WUYI_AUDIT_CHECKPOINT_DIR=/var/lib/wuyi/checkpoints
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# An API answers /<service>/health (liveness: the process serves; /ready checks the database
# and Kafka) on WUYI_PORT, a worker on WUYI_PROBE_PORT (a worker without it serves no HTTP, and
# the check passes while its process runs).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "/app/healthcheck.py"]
ENTRYPOINT ["wuyi"]
CMD ["--help"]
