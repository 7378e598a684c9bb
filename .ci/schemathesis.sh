#!/usr/bin/env bash
# Property-based test of the JSON API against its own description: schemathesis (pinned, from PyPI,
# in a git-ignored venv under .ci/) reads /api/v1/openapi.json from a real `trygg serve` on a
# temporary SQLite database that holds an open wave with some responses and an evaluator with an
# API token, and sends generated requests (valid and invalid) to every operation. It fails on a
# 5xx and on any answer the description does not allow: a status code it does not list, another
# Content-Type, or a body that does not fit the schema.
#
#   .ci/schemathesis.sh                 # builds trygg (debug) first
#   TRYGG_BIN=path/to/trygg .ci/schemathesis.sh
#   ST_MAX_EXAMPLES=1000 ST_SEED=7 .ci/schemathesis.sh   # more cases per operation (default
#                                                        # 200), another seed (default 1)
#   ST_EXTRA="--report har" .ci/schemathesis.sh          # more options for `st run`
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.32.5
venv=.ci/venv
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "version $version\$"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

bin=${TRYGG_BIN:-}
if [ -z "$bin" ]; then
  cargo build --quiet --locked --bin trygg
  bin="${CARGO_TARGET_DIR:-target}/debug/trygg"
fi

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# Settings from the environment of whoever runs this must not leak in.
for name in $(env | sed -n 's/^\(TRYGG_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
export TRYGG_DATABASE_URL="sqlite://$work/trygg.db?mode=rwc" TRYGG_SURVEYS=surveys TRYGG_LOG=warn
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

# A wave with responses, and an evaluator's token, made as an operator would.
wave=trygghet-schemathesis
"$bin" wave create --survey resident-safety --slug "$wave" --access open >/dev/null
python3 -c 'import secrets; print(secrets.token_urlsafe(24))' |
  "$bin" user add --email api@kommun.example --role evaluator >/dev/null
token=$("$bin" token create --email api@kommun.example --name schemathesis --days 1 2>/dev/null)
"$bin" synth --survey resident-safety --count 25 --seed 7 >"$work/answers.jsonl"
# An open wave publishes nothing (409): a closed one of an earlier year gives the series and the
# areas something to publish.
"$bin" wave create --survey resident-safety --slug trygghet-2025 --access open \
  --opens 2025-03-01 --closes 2025-03-31 --period 2025 >/dev/null
"$bin" synth --survey resident-safety --count 60 --seed 8 >"$work/earlier.jsonl"
"$bin" import --wave trygghet-2025 --file "$work/earlier.jsonl" >/dev/null

"$bin" serve --bind "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 50); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$base/health" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }
stored=0
while read -r line; do
  status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data "$line" "$base/api/v1/waves/$wave/responses")
  [ "$status" = 201 ] && stored=$((stored + 1))
done <"$work/answers.jsonl"
echo "schemathesis: wave $wave with $stored responses on $base"
[ "$stored" = 25 ] || { echo "only $stored of 25 synthetic responses were stored" >&2; exit 1; }

# Path parameters name what exists: the wave, and its questionnaire (generated values would only
# ever find a 404).
cat >"$work/schemathesis.toml" <<TOML
[parameters]
"path.slug" = "$wave"
"path.survey" = "resident-safety"
"path.indicator" = "unsafe_night"
TOML

status=0
# From the temporary folder: schemathesis keeps a cache of crashes in the working directory.
root=$PWD
cd "$work"
"$root/$venv/bin/st" --config-file "$work/schemathesis.toml" run "$base/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${ST_MAX_EXAMPLES:-200}" --seed "${ST_SEED:-1}" --workers 2 \
  --generation-database none --no-color ${ST_EXTRA:-} || status=$?
if [ "$status" != 0 ]; then
  echo "--- trygg serve's log:" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit "$status"
