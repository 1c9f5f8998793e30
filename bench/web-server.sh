# Shared by bench/web-load.sh and bench/web-soak.sh (sourced, not run): wrk on hand, a key printed by
# `keys create`, and a server started in the background and waited for.
#
#   web_require_wrk NAME                 installs Debian's wrk when missing (as root), else says how
#   web_key_of                           reads `keys create` JSON on stdin, prints the key
#   web_start_server NAME URL LOG CMD…   starts CMD… in the background (server_pid), waits up to 60 s for URL/health

web_require_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y wrk >/dev/null
  elif command -v sudo >/dev/null; then sudo apt-get install -y wrk >/dev/null
  else echo "$1: wrk is missing (apt-get install wrk)" >&2; exit 1; fi
}

web_key_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'; }

web_start_server() {
  local name="$1" url="$2" log="$3"
  shift 3
  "$@" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && return 0; sleep 0.5; done
  cat "$log" >&2
  echo "$name: the server did not start" >&2
  exit 1
}
