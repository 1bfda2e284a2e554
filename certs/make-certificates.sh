#!/bin/sh
# Makes the certificates docker-compose.yml mounts (docs/tls.md): a CA for the graph, and for
# the gateway and each subgraph a certificate for its service name (and 127.0.0.1/localhost, for
# its own health check) signed by that CA. Usage: sh certs/make-certificates.sh [directory]
# (default: this folder). Existing files are kept: delete them to make new ones.
set -eu
dir="${1:-$(dirname "$0")}"
days_ca=1825
days_server=397
umask 077
cd "$dir"

if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.pem -days "$days_ca" -subj "/CN=Finsam graph internal CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi

for service in gateway coordination sickness-insurance employment social-services care; do
  [ -f "$service.pem" ] && continue
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$service.key" -out "$service.csr" -subj "/CN=$service"
  printf '%s\n' \
    "subjectAltName=DNS:$service,DNS:localhost,IP:127.0.0.1" \
    "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" > "$service.ext"
  openssl x509 -req -in "$service.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$service.pem" -days "$days_server" -extfile "$service.ext"
  rm -f "$service.csr" "$service.ext"
done
# Certificates are public; keys stay 0600 (owned by whoever runs the containers' user, see docs/tls.md).
chmod 644 ca.pem ./*.pem
