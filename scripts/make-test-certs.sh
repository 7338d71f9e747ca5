#!/usr/bin/env bash
# Test certificates for a TLS cluster (README "Clustered runs", TLS): a CA and one certificate per node signed by it.
#   scripts/make-test-certs.sh DIR [NAME...]      names default to "node"
# Writes DIR/ca.crt (give it to every node with --tls-ca) and DIR/NAME.pfx (PKCS#12 with the node's key, for --tls-cert).
# The .pfx password is $GRIDACTORS_TLS_PASSWORD (set it the same way when starting the nodes), or "gridactors-test".
# Keys are ECDSA P-256; certificates are valid for a year and usable as TLS server and client certificates (a node is
# both). The CA's private key stays in DIR/ca.key: keep it to sign more nodes, delete it otherwise. Needs openssl.
# For test clusters only: a real deployment gets its certificates from the organisation's CA.
set -euo pipefail
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
command -v openssl >/dev/null || { echo "openssl is not installed (Debian: apt-get install openssl)" >&2; exit 1; }
DIR="$1"; shift
NAMES=("$@"); [ ${#NAMES[@]} -gt 0 ] || NAMES=(node)
if [ -n "${GRIDACTORS_TLS_PASSWORD:-}" ]; then SAID="the value of \$GRIDACTORS_TLS_PASSWORD"; else SAID="gridactors-test"; fi
export GRIDACTORS_TLS_PASSWORD="${GRIDACTORS_TLS_PASSWORD:-gridactors-test}"
mkdir -p "$DIR"
umask 077

if [ ! -f "$DIR/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
    -keyout "$DIR/ca.key" -out "$DIR/ca.crt" -subj "/CN=GridActors test CA $(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 644 "$DIR/ca.crt"
  echo "CA: $DIR/ca.crt"
fi

for NAME in "${NAMES[@]}"; do
  EXT=$(mktemp)
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s\n' "$NAME" > "$EXT"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DIR/$NAME.key" -out "$DIR/$NAME.csr" -subj "/CN=$NAME" 2>/dev/null
  openssl x509 -req -in "$DIR/$NAME.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial -days 365 \
    -extfile "$EXT" -out "$DIR/$NAME.crt" 2>/dev/null
  openssl pkcs12 -export -inkey "$DIR/$NAME.key" -in "$DIR/$NAME.crt" -name "$NAME" -out "$DIR/$NAME.pfx" -passout env:GRIDACTORS_TLS_PASSWORD
  rm -f "$EXT" "$DIR/$NAME.csr" "$DIR/$NAME.key"
  echo "node certificate: $DIR/$NAME.pfx (CN=$NAME)"
done
echo ".pfx password: $SAID"
