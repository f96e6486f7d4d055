# Read by the terminals of `make lab` (see jupyter_server_config.py): the learner's own
# bash set-up first, then this course's environment first on PATH, so `zendo` works.
if [ -f "$HOME/.bashrc" ]; then
    . "$HOME/.bashrc"
fi
if [ -n "$ZENDO_ENVIRONMENT_BIN" ]; then
    export PATH="$ZENDO_ENVIRONMENT_BIN:$PATH"
    export VIRTUAL_ENV="$(dirname "$ZENDO_ENVIRONMENT_BIN")"
fi
