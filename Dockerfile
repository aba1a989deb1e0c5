# The bot's image: the runtime dependencies exactly as uv.lock has them, no dev tools.
#   docker build -t rounaq .      (compose.yaml builds it for you)
FROM python:3.11-slim-bookworm AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/rounaq/.venv
WORKDIR /src
# Dependencies first, in their own layer: a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-install-project --no-editable
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-editable

FROM python:3.11-slim-bookworm
RUN useradd --system --create-home --home-dir /opt/rounaq rounaq
COPY --from=build /opt/rounaq/.venv /opt/rounaq/.venv
ENV PATH=/opt/rounaq/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib
WORKDIR /opt/rounaq
USER rounaq
# Migrations and the province data set run at every start (both idempotent); logs go to
# the container's output (`docker compose logs`). SIGTERM stops it gracefully.
STOPSIGNAL SIGTERM
CMD ["rounaq", "run"]
