#!/usr/bin/env bash
# README's run command: install what is missing, prepare the model, build, serve on localhost.
source "$(dirname "$0")/lib.sh"
PORT="${PORT:-8080}"
scripts/setup.sh
scripts/prepare-assets.sh
scripts/build-web.sh
log "open http://localhost:$PORT/"
exec python3 scripts/serve.py --port "$PORT" --dir dist
