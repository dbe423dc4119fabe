#!/bin/sh
# The init service's command lines: the operator admin token and the permission tokens,
# each with the secret chosen in secrets/, written into the volume the server reads at
# startup. Running it again changes nothing.
#
# CONFIG is where tokens.toml and secrets/ are, TOKENS the volume (both can be moved,
# for a test). With AS=UID:GID and run as root (compose does both), the volume is given
# to that user and the tokens are written as that user: Docker creates a volume as
# root's, and the server (uid 1500 in the official image) must own its token files,
# which are private (mode 0600).
set -eu
CONFIG=${CONFIG:-/config}
TOKENS=${TOKENS:-/var/lib/influxdb3/tokens}
if [ "$(id -u)" -eq 0 ] && [ -n "${AS:-}" ]; then
    install -d -o "${AS%:*}" -g "${AS#*:}" -m 0700 "$TOKENS"
    as() { setpriv --reuid="${AS%:*}" --regid="${AS#*:}" --clear-groups "$@"; }
else
    as() { "$@"; }
fi
as influxdb3 create token --admin --offline \
    --output-file "$TOKENS/admin-token.json" \
    --secret-file "$CONFIG/secrets/admin"
as influxdb3 tokens apply "$CONFIG/tokens.toml" \
    --output-file "$TOKENS/permission-tokens.json"
as influxdb3 tokens lint "$TOKENS/permission-tokens.json" --strict
