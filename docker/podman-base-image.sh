#!/usr/bin/env bash
# Make the Dockerfile's base image from Debian's packages, for machines where no image registry
# is reachable (see README, "Docker"). Debian bookworm's Python is 3.11, like python:3.11-slim,
# and the Dockerfile installs into a virtual environment, so it builds on both bases.
# Usage: docker/podman-base-image.sh [IMAGE]   (does nothing when IMAGE already exists)
set -euo pipefail
image=${1:-docker.io/library/python:3.11-slim}
podman=(podman --runtime runc)
if "${podman[@]}" image exists "$image"; then
  exit 0
fi
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase \
  --include=python3,python3-venv,python-is-python3,ca-certificates \
  bookworm "$rootfs" >&2
# Trust what this machine trusts: where HTTPS goes through a proxy with its own certificate
# authority, pip inside the build must accept it too. pip reads /etc/pip.conf inside a venv.
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > "$rootfs/etc/pip.conf"
tar -C "$rootfs" -c . | "${podman[@]}" import - "$image" >&2
