#!/usr/bin/env python3
"""Login flood: legitimate clients' latency while an attacker floods imd with logins.

Starts imd (release binaries from --bin) with the limits an operator facing the internet would set
(max_login_failures_per_ip, max_connections_per_ip), runs imbench's peer scenario open loop from 127.0.0.1
twice, alone and then under a flood from 127.0.0.2: --workers connections at a time, each opened, sent a
login with a wrong token (or, with --silent, nothing) and read until the server closes it. Prints imbench's
p50/p99 both times, the flood's connections per second and how imd refused them (/summary's `refused`).
Exits 1 if imbench failed (lost or refused a message) or the legitimate p99 under the flood exceeded
--max-p99.

  scripts/login-flood.py                          # 20 s each, bad tokens
  scripts/login-flood.py --silent --duration 30s  # connections that never log in
"""
import argparse, asyncio, json, os, shutil, socket, struct, subprocess, sys, tempfile, threading, time
import urllib.request

AUTH_TOKEN = 15


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def duration(text):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for unit in ("ms", "s", "m", "h"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return float(text)


def admin_get(admin, token, path):
    request = urllib.request.Request(admin + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)


def bad_login():
    token, device = b"not-a-token-" + os.urandom(8).hex().encode(), b"flood"
    body = bytes([1, len(token)]) + token + bytes([len(device)]) + device
    return struct.pack(">iiBBBB", len(body), 1, AUTH_TOKEN, 2, 0, 0) + body


class Flood:
    """`workers` loops, each opening a connection from `source`, sending a wrong login (or nothing) and
    reading until the server closes it, until stopped; counts connections and how they ended."""

    def __init__(self, port, source, workers, silent):
        self.port, self.source, self.workers, self.silent = port, source, workers, silent
        self.counts = {"connections": 0, "closed_by_server": 0, "connect_errors": 0, "answered": 0}
        self.stop = threading.Event()

    async def one(self):
        while not self.stop.is_set():
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", self.port, local_addr=(self.source, 0)), 5)
            except (OSError, asyncio.TimeoutError):
                self.counts["connect_errors"] += 1
                await asyncio.sleep(0.01)
                continue
            self.counts["connections"] += 1
            try:
                if not self.silent:
                    writer.write(bad_login())
                # Read until the server closes: an AUTH_STATUS of a refused login, then EOF once the
                # connection's or the address's failures are used up (or the login deadline passes).
                while True:
                    data = await asyncio.wait_for(reader.read(4096), 30)
                    if not data:
                        self.counts["closed_by_server"] += 1
                        break
                    self.counts["answered"] += 1
                    if not self.silent:
                        writer.write(bad_login())
            except (OSError, asyncio.TimeoutError):
                pass
            finally:
                writer.close()

    async def run(self):
        tasks = [asyncio.create_task(self.one()) for _ in range(self.workers)]
        while not self.stop.is_set():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def start(self):
        self.thread = threading.Thread(target=lambda: asyncio.run(self.run()), daemon=True)
        self.thread.start()

    def finish(self):
        self.stop.set()
        self.thread.join(timeout=60)


def imbench(args, client_port, admin, token, json_path):
    command = [os.path.join(args.bin, "imbench"), "--host", "127.0.0.1", "--port", str(client_port),
               "--admin", admin, "--admin-token", token, "--clients", str(args.clients),
               "--rate", str(args.rate), "--duration", f"{args.duration}s", "--progress", "quiet",
               "--json", json_path, "--uid-base", "1000000"]
    status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    report = json.load(open(json_path)) if os.path.exists(json_path) else {}
    operations = report.get("operations", {})
    main = operations.get("delivery") or operations.get("ack") or {}
    return {"exit": status.returncode, "p50_us": main.get("p50_us"), "p99_us": main.get("p99_us"),
            "p999_us": main.get("p99_9_us"), "lost": report.get("totals", {}).get("lost"),
            "stderr": status.stderr.strip()[-500:]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="where imd and imbench are (default .build/release)")
    parser.add_argument("--duration", type=duration, default=20.0, help="each phase (default 20s)")
    parser.add_argument("--clients", type=int, default=200, help="legitimate imbench clients (default 200)")
    parser.add_argument("--rate", type=int, default=2000, help="their messages/s in all (default 2000)")
    parser.add_argument("--workers", type=int, default=600, help="flood connections at a time (default 600)")
    parser.add_argument("--silent", action="store_true", help="flood connections send nothing (login deadline)")
    parser.add_argument("--failures-per-ip", type=int, default=100,
                        help="imd's max_login_failures_per_ip (default 100 a minute)")
    parser.add_argument("--connections-per-ip", type=int, default=400,
                        help="imd's max_connections_per_ip (default 400: above the legitimate clients, all on 127.0.0.1)")
    parser.add_argument("--login-timeout", default="10s", help="imd's login_timeout (default 10s)")
    parser.add_argument("--max-p99", type=duration, help="fail if the legitimate p99 under the flood is above this")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()
    for tool in ("imd", "imbench"):
        if not os.access(os.path.join(args.bin, tool), os.X_OK):
            sys.exit(f"login-flood: no {tool} in {args.bin} (swift build -c release, or --bin DIR)")

    work = tempfile.mkdtemp(prefix="im-flood-")
    client_port, admin_port, token = free_port(), free_port(), os.urandom(16).hex()
    admin = f"http://127.0.0.1:{admin_port}"
    environment = dict(os.environ, IMD_MAX_LOGIN_FAILURES_PER_IP=str(args.failures_per_ip))
    log = open(os.path.join(work, "imd.log"), "ab")
    imd = subprocess.Popen(
        [os.path.join(args.bin, "imd"), "--data-dir", os.path.join(work, "data"),
         "--listen", f"127.0.0.1:{client_port}", "--admin-listen", f"127.0.0.1:{admin_port}",
         "--admin-token", token, "--node-id", "flood", "--login-timeout", args.login_timeout,
         "--max-connections-per-ip", str(args.connections_per_ip)],
        stdout=subprocess.DEVNULL, stderr=log, env=environment)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                admin_get(admin, token, "/summary")
                break
            except OSError:
                if imd.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"login-flood: imd did not start; see {log.name}")
                time.sleep(0.05)
        if not args.json:
            print(f"login-flood: imd in {work}; {args.clients} clients at {args.rate} msg/s, {args.duration:.0f} s a phase")
        alone = imbench(args, client_port, admin, token, os.path.join(work, "alone.json"))
        flood = Flood(client_port, "127.0.0.2", args.workers, args.silent)
        started = time.monotonic()
        flood.start()
        time.sleep(1)
        flooded = imbench(args, client_port, admin, token, os.path.join(work, "flooded.json"))
        flood.finish()
        seconds = time.monotonic() - started
        summary = admin_get(admin, token, "/summary")
    finally:
        imd.terminate()
        imd.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)

    refused = summary.get("refused", {})
    result = {
        "alone": alone, "flooded": flooded,
        "flood": dict(flood.counts, seconds=round(seconds, 1), mode="silent" if args.silent else "bad_token",
                      connections_per_second=round(flood.counts["connections"] / seconds)),
        "refused": refused,
    }
    passed = alone["exit"] == 0 and flooded["exit"] == 0
    if args.max_p99 is not None and (flooded["p99_us"] or 0) > args.max_p99 * 1e6:
        passed = False
    result["passed"] = passed
    if args.json:
        print(json.dumps(result))
    else:
        for name in ("alone", "flooded"):
            phase = result[name]
            print(f"{name:8} p50 {phase['p50_us']} µs  p99 {phase['p99_us']} µs  p99.9 {phase['p999_us']} µs"
                  f"  lost {phase['lost']}  exit {phase['exit']}")
            if phase["exit"] != 0:
                print("         imbench: " + phase["stderr"].replace("\n", "\n         "))
        print(f"flood    {result['flood']['connections']} connections in {result['flood']['seconds']} s "
              f"({result['flood']['connections_per_second']}/s), {flood.counts['closed_by_server']} closed by imd, "
              f"{flood.counts['connect_errors']} connect errors")
        print("refused  " + ", ".join(f"{k} {v}" for k, v in sorted(refused.items()) if v))
        print("PASS" if passed else "FAIL")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
