"""Helpers shared by bench/run and bench/signin-flood: tools, release binaries, ports, wrk's
output, and a process's memory and CPU time from /proc."""
import collections, os, re, shutil, socket, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def ensure_tools(names, script):
    """Installs the tools in names from Debian's packages when missing (as root); exits otherwise."""
    missing = [name for name in names if not shutil.which(name) and not os.path.exists(f"/usr/sbin/{name}")]
    if missing:
        if os.geteuid() != 0:
            sys.exit(f"{script} needs {', '.join(missing)}: apt-get install {' '.join(missing)}")
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", *missing, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def release_bin_path(products=(), build=True):
    """Builds products in release mode in the package's own .build (unless build is false) and
    returns the folder of the release binaries."""
    if build:
        for product in products:
            sh("swift", "build", "-c", "release", "--product", product, cwd=ROOT)
    return subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.1)
    sys.exit(f"{url} did not answer within {timeout} s")


def rss_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def clock_ticks(pid, children=False):
    """utime + stime of a process (all its threads), with its reaped children's when asked, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def parent_pid(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


WrkResult = collections.namedtuple("WrkResult", "rps p50 p99 requests errors socket_errors")


def parse_wrk(out, label):
    """Requests/s, p50 and p99 in ms and the requests served from the output of `wrk --latency`;
    non-2xx/3xx answers and socket errors (timeouts included) are noted on stderr and returned
    as the lines wrk printed, or None."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if errors or socket_errors:
        print(f"  note: {label}: {errors.group(0) if errors else ''} {socket_errors.group(0) if socket_errors else ''}", file=sys.stderr)
    return WrkResult(rps, latency(50), latency(99), requests,
                     errors.group(0) if errors else None, socket_errors.group(0) if socket_errors else None)
