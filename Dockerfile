FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings.production
# A CJK font so that generated PDFs show Chinese text; Pango for WeasyPrint's PDFs and
# HarfBuzz's subsetter for their speed; curl for the health check; pg_dump and pg_restore for
# `manage.py backup` / `restore` (the client matches the compose file's postgres:15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei curl \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e .
COPY . .
RUN SECRET_KEY=build-only-placeholder-key-that-is-long-enough-for-collectstatic-0000 \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app portal && mkdir -p /app/var/media && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--config", "portal/gunicorn_conf.py", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
