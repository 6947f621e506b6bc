# Bangkom: API + built SPA in one image. Build: docker build -t bangkom .
# Run:   docker run -e BANGKOM_ENVIRONMENT=production -e BANGKOM_SECRET_KEY=... \
#          -e BANGKOM_DATABASE_URL=postgresql+asyncpg://user:pass@db/bangkom -p 8000:8000 bangkom

FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    BANGKOM_SPA_DIR=/app/spa BANGKOM_DATA_DIR=/var/lib/bangkom
RUN useradd --system --home /app bangkom && mkdir -p /var/lib/bangkom && chown bangkom /var/lib/bangkom
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY app/ app/
COPY migrations/ migrations/
RUN pip install .
COPY --from=spa /src/frontend/dist /app/spa
USER bangkom
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Migrate, then serve; WORKERS sets the number of worker processes (PostgreSQL only).
CMD ["sh", "-c", "bangkom db upgrade && exec bangkom serve --host 0.0.0.0 --port 8000 --workers ${WORKERS:-2} --proxy-headers"]
