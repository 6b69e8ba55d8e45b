#!/bin/sh
# /etc/netsvc/netsvc.properties of the Debian package (deb) or the container image (image): the
# distribution's file, every key with its default commented, with the places set as absolute paths of
# the path scheme (and, in the image, the services and the admin endpoint on every interface, the
# access log on standard error).
# usage: properties.sh deb|image DIST_NETSVC_PROPERTIES
set -eu
kind=$1 file=$2
fail() { echo "properties.sh: $*" >&2; exit 1; }
for line in '#admin.socket=run/netsvc.sock' '#qotd.quotes=conf/quotes.txt' '#http.root=www' \
        '#http.access-log-file=logs/http-access.log' '#netsvc.bind=127.0.0.1' '#admin.bind=127.0.0.1'; do
    grep -qx -- "$line" "$file" || fail "$file has no line '$line' to set"
done
case $kind in
    deb)
        header='# netsvc configuration, as the Debian package installs it. Keep your own settings in
# /etc/netsvc/conf.d/*.properties, which are read after this file: this one then stays as shipped.
# The places below are set to the package'"'"'s (netsvc(1), FILES); every other key has its default.'
        log=/var/log/netsvc/http-access.log
        bind='#netsvc.bind=127.0.0.1'
        admin='#admin.bind=127.0.0.1' ;;
    image)
        header='# netsvc configuration, as the container image has it. Mount your own settings as
# /etc/netsvc/conf.d/*.properties (a Kubernetes ConfigMap, say), read after this file.
# In a container every service and the admin endpoint (the probes) listen on every interface, and the
# access log goes to standard error with the rest of the log.'
        log=''
        bind='netsvc.bind=0.0.0.0'
        admin='admin.bind=0.0.0.0' ;;
    *) fail "unknown kind $kind" ;;
esac
echo "$header"
echo "#"
sed -e 's|^#admin.socket=run/netsvc.sock$|admin.socket=/run/netsvc/netsvc.sock|' \
    -e 's|^#qotd.quotes=conf/quotes.txt$|qotd.quotes=/etc/netsvc/quotes.txt|' \
    -e 's|^#http.root=www$|http.root=/usr/share/netsvc/www|' \
    -e "s|^#http.access-log-file=logs/http-access.log\$|http.access-log-file=$log|" \
    -e "s|^#netsvc.bind=127.0.0.1\$|$bind|" \
    -e "s|^#admin.bind=127.0.0.1\$|$admin|" \
    "$file"
