#!/bin/sh
# Makes the secrets of the compose example, once, on the host: each is `apiv3_` and 64
# hex characters from the kernel's random source, in its own file under ./secrets.
#
# Who may read what (compose mounts these files as they are on the host):
#   secrets/admin     0400, owner 1500 (the server image's user, which the init
#                     service runs as): only the init service reads it.
#   secrets/grafana   0440, owner 472 (grafana's user), group 1500: grafana and the
#                     init service read it, nobody else.
#   secrets/telegraf  0440, owner 999 (telegraf's user), group 1500: likewise.
# Run it as root (or with sudo) so that the owners can be set; otherwise the files stay
# yours, with the same modes, and the script says so.
# An existing secret is kept: running it again changes nothing.
set -eu
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
make() { # NAME OWNER GROUP MODE
    file="secrets/$1"
    if [ ! -e "$file" ]; then
        printf 'apiv3_%s' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$file.new"
        mv "$file.new" "$file"
    fi
    chmod "$4" "$file"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$2:$3" "$file"
    else
        echo "note: not root: $file keeps your user and group; give it to $2:$3 before \`docker compose up\`" >&2
    fi
}
make admin 1500 1500 0400
make grafana 472 1500 0440
make telegraf 999 1500 0440
chmod 0755 secrets
