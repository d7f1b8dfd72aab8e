#!/bin/sh
# Entry point of a compose fleet replica: `docker compose up --scale fleet=N` gives replicas no index, so each claims
# the first free slot 0…N-1 on the shared claims volume (mkdir is atomic), keeps it across restarts (the claim
# records its hostname), and runs `sdfleet <args> --worker i/N --dir <data>/runs/worker-i`.
set -eu
workers="${SDFLEET_WORKERS:?set SDFLEET_WORKERS to the replica count}"
claims="${SDFLEET_CLAIMS:-/claims}"
me="${HOSTNAME:-$(hostname)}"
i=0
while [ "$i" -lt "$workers" ]; do
  if mkdir "$claims/$i" 2>/dev/null; then
    echo "$me" > "$claims/$i/owner"
    break
  fi
  [ "$(cat "$claims/$i/owner" 2>/dev/null || true)" = "$me" ] && break
  i=$((i + 1))
done
if [ "$i" -ge "$workers" ]; then
  echo "fleet-worker: all $workers worker slots are taken; scale to at most SDFLEET_WORKERS replicas" >&2
  exit 2
fi
# SDFLEET_BIN is for tests of this script; word splitting of it is intended.
# shellcheck disable=SC2086
exec ${SDFLEET_BIN:-node /app/dist/cli/sdfleet.js} "$@" --worker "$i/$workers" --dir "/app/data/runs/worker-$i"
