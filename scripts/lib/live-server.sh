# Shared by the scripts that test a live `chastity-tracker serve` (browser-test, schemathesis):
# sourced from the repository's root, after `set -euo pipefail`.

# Stops the process group led by PID (each server and test runs under setsid): TERM, up to 10 s
# for it to end, then KILL.
stop() {
    local pid=$1
    [[ -n "$pid" ]] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# A loopback port nobody listens on now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to 60 s until the server on PORT (process PID) answers /readyz; otherwise prints why
# and returns 1.
wait_ready() {
    local port=$1 pid=$2
    for _ in $(seq 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && return 0
        kill -0 "$pid" 2>/dev/null || { echo "serve exited before it was ready"; return 1; }
        sleep 0.1
    done
    curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && return 0
    echo "serve was not ready within 60 s"
    return 1
}
