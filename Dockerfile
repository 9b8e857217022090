# fullstory-mockserver: the fake FullStory API (and its control plane) as a container.
#   docker build -t fullstory-mockserver .
#   docker run --rm -p 127.0.0.1:8787:8787 -v fullstory-mockserver-state:/var/lib/mockserver \
#     fullstory-mockserver
# Configure it with MOCKSERVER_* variables (README, "Settings"), e.g. -e MOCKSERVER_SEED=7.
FROM python:3.11-slim

# Install into a virtual environment: Debian-based Pythons refuse system-wide pip installs
# (PEP 668), and a venv builds the same on python:3.11-slim and on a base made from Debian's
# packages (docker/podman-base-image.sh).
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN python -m venv /opt/venv

# Only what the package needs; its dependencies are pinned in pyproject.toml.
COPY pyproject.toml setup.py README.md /src/
COPY mockserver /src/mockserver
COPY openapi /src/openapi
COPY fixtures /src/fixtures
RUN pip install /src && rm -rf /src

# A non-root user owns the state folder, declared as a volume so the state outlives the
# container, and the start caches' folder.
RUN useradd --system --uid 10001 --home-dir /var/lib/mockserver --shell /usr/sbin/nologin mockserver \
    && mkdir -p /var/lib/mockserver /var/cache/mockserver \
    && chown mockserver /var/lib/mockserver /var/cache/mockserver
USER mockserver
WORKDIR /var/lib/mockserver

# 0.0.0.0 inside the container only: the port reaches the host through -p. Set
# MOCKSERVER_ADMIN_TOKEN when that port is reachable by anyone but you.
ENV MOCKSERVER_HOST=0.0.0.0 \
    MOCKSERVER_PORT=8787 \
    MOCKSERVER_STATE_FILE=/var/lib/mockserver/state.json
# The start caches: the OpenAPI documents' JSON copies (mockserver/core/yaml_cache.py) and the
# dataclasses' compiled methods (core/code_cache.py). Not in the home folder (that is the state
# volume), nor in /tmp (a read-only container usually gets an empty tmpfs there).
ENV XDG_CACHE_HOME=/var/cache/mockserver
# Written now, as the user and by the Python that serve, with serve's settings: every container
# starts warm (a start reads them, compiling and parsing nothing). `serve --check` builds what
# serve builds, then exits: no port, no state file. A read-only container just reads them; a
# container started with other settings (another scenario) writes what it adds at its start.
# Readable by all (the files are made 0600): `docker run --user N` starts warm too.
RUN mockserver serve --check && chmod -R a+rX "$XDG_CACHE_HOME"
VOLUME /var/lib/mockserver
EXPOSE 8787

HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/__admin/health' % os.environ.get('MOCKSERVER_PORT', '8787'), timeout=2)"]

CMD ["mockserver", "serve"]
