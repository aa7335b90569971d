# Jembatan UMKM: one image for the web server (gunicorn), the Celery worker and beat.
# docker-compose.yml runs all three from it; every setting comes from the environment
# (see .env.example). Build: docker build -t jembatan-umkm .
FROM python:3.11-slim-bookworm

# gunicorn reads WEB_CONCURRENCY itself as its default --workers; override at run time.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

WORKDIR /app

# Pinned runtime dependencies only (all ship as wheels: no compiler, no libpq needed).
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root, so the app user cannot modify it at runtime.
COPY . .

# Translations ship as committed .mo files (`make messages`), so gettext is not
# installed; stop the build if a catalogue was left uncompiled.
RUN missing="$(find locale -name '*.po' | while read -r po; do \
        [ -f "${po%.po}.mo" ] || echo "$po"; done)"; \
    if [ -n "$missing" ]; then \
        echo "Uncompiled translations (run make messages, commit the .mo): $missing" >&2; \
        exit 1; \
    fi

# Static files are collected into the image (STATIC_ROOT default, /app/var/static),
# hashed and compressed for whitenoise. The settings refuse to load without SECRET_KEY
# when DJANGO_DEBUG=False, so this RUN line alone gets a throw-away one; it is not
# kept in the image (nor in ENV).
RUN DJANGO_DEBUG=False \
    SECRET_KEY=build-only-dummy-key-not-used-at-runtime \
    ALLOWED_HOSTS=localhost SITE_URL=http://localhost \
    python manage.py collectstatic --noinput

# Non-root user; it may write only under var/media and var/private (the upload volumes).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app \
    && mkdir -p /app/var/media /app/var/private \
    && chown app:app /app/var/media /app/var/private
USER app:app

EXPOSE 8000

# Liveness: /healthz over HTTP with the standard library (no curl in slim images).
# The request carries a Host from ALLOWED_HOSTS, or Django answers 400 DisallowedHost;
# /healthz is exempt from SECURE_SSL_REDIRECT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = [x.strip().lstrip('.') for x in os.environ.get('ALLOWED_HOSTS', '').split(',') if x.strip() not in ('', '*')]; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h[0] if h else 'localhost'}), timeout=4)"]

# Workers: WEB_CONCURRENCY (default 3 above); extra flags via GUNICORN_CMD_ARGS.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm", "--timeout", "30"]
