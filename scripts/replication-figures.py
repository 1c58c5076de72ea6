#!/usr/bin/env python3
"""Replication figures: imbench peer --window 100 on a primary imd with no replica, an async replica and a
sync replica (msg/s, ACK p99, the replica's lag sampled during the run); how fast a replica copies a log
from empty (records/s); and the failover time (kill -9 the primary, promote the replica, first successful
send there). Release binaries from --bin; everything on 127.0.0.1, data in a temporary directory.

  scripts/replication-figures.py                 # 10 s a run
  scripts/replication-figures.py --duration 20s --json
"""
import argparse, base64, hashlib, hmac, json, os, shutil, signal, socket, struct, subprocess, sys, tempfile, time
import urllib.request

TOKEN, SECRET, ADMIN = "figures-replication-token", "figures-jwt-secret-of-32-bytes-long!!", "figures-admin-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jwt(appid, uid):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"appid": appid, "uid": uid}).encode())
    signature = b64(hmac.new(SECRET.encode(), header + b"." + payload, hashlib.sha256).digest())
    return (header + b"." + payload + b"." + signature).decode()


class Imd:
    def __init__(self, args, work, name, extra):
        self.args, self.name = args, name
        self.client, self.admin_port, self.replication = free_port(), free_port(), free_port()
        self.data = os.path.join(work, name)
        self.extra = extra
        self.log = open(os.path.join(work, name + ".log"), "ab")
        self.process = None

    def start(self, mode="async"):
        environment = dict(os.environ, IMD_REPLICATION=mode, IMD_REPLICATION_TIMEOUT="5s")
        self.process = subprocess.Popen(
            [os.path.join(self.args.bin, "imd"), "--data-dir", self.data, "--listen", f"127.0.0.1:{self.client}",
             "--admin-listen", f"127.0.0.1:{self.admin_port}", "--admin-token", ADMIN, "--node-id", self.name,
             "--replication-listen", f"127.0.0.1:{self.replication}", "--replication-token", TOKEN,
             "--jwt-secret", SECRET] + self.extra,
            stdout=subprocess.DEVNULL, stderr=self.log, env=environment)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                return self.summary()
            except OSError:
                time.sleep(0.05)
        sys.exit(f"replication-figures: {self.name} did not start; see {self.log.name}")

    def admin(self, method, path):
        request = urllib.request.Request(f"http://127.0.0.1:{self.admin_port}{path}", method=method,
                                         headers={"Authorization": "Bearer " + ADMIN})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.load(reply)

    def summary(self):
        return self.admin("GET", "/summary")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)


def imbench(args, primary, seconds, json_path, sample):
    command = [os.path.join(args.bin, "imbench"), "--host", "127.0.0.1", "--port", str(primary.client),
               "--admin", f"http://127.0.0.1:{primary.admin_port}", "--admin-token", ADMIN, "--clients", "100",
               "--window", "100", "--duration", f"{seconds}s", "--progress", "quiet", "--json", json_path]
    bench = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lags = []
    while bench.poll() is None:
        time.sleep(0.5)
        if sample:
            try:
                replicas = primary.summary().get("replication", {}).get("replicas", [])
                if replicas:
                    lags.append((replicas[0].get("lag_records", 0), replicas[0].get("lag_seconds", 0)))
            except OSError:
                pass
    report = json.load(open(json_path))
    ack = report.get("operations", {}).get("ack", {})
    return {"exit": bench.returncode, "acked_per_second": round(report.get("throughput", {}).get("acked_per_second", 0)),
            "ack_p99_us": ack.get("p99_us"), "lost": report.get("totals", {}).get("lost"),
            "lag_records_max": max((l[0] for l in lags), default=None),
            "lag_seconds_max": round(max((l[1] for l in lags), default=0), 3) if lags else None}


def wait_caught_up(primary, replica, timeout=600):
    target = primary.summary()["store"]["last_id"]
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status = replica.summary().get("replication", {}).get("primary", {})
        if status.get("last_id", 0) >= target:
            return time.monotonic() - started
        time.sleep(0.02)
    sys.exit("replication-figures: the replica did not catch up")


def send_one(port, uid):
    """Logs in with a JWT and sends one peer message; True when ACKed with status 0."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        token, device = jwt(7, uid).encode(), b"figures"
        auth = bytes([1, len(token)]) + token + bytes([len(device)]) + device
        s.sendall(struct.pack(">iiBBBB", len(auth), 1, 15, 2, 0, 0) + auth)
        def read():
            header = s.recv(12, socket.MSG_WAITALL)
            body = s.recv(struct.unpack(">i", header[:4])[0], socket.MSG_WAITALL)
            return header[8], body
        command, body = read()
        if command != 3 or struct.unpack(">i", body)[0] != 0:
            return False
        message = struct.pack(">qqii", uid, uid + 1, 0, 1) + b"after the failover"
        s.sendall(struct.pack(">iiBBBB", len(message), 2, 4, 2, 0, 0) + message)
        while True:
            command, body = read()
            if command == 5:
                return body[4] == 0 if len(body) > 4 else False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release")
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seconds = float(args.duration.rstrip("s"))
    work = tempfile.mkdtemp(prefix="im-replication-")
    results = {}
    try:
        for mode in ("none", "async", "sync"):
            primary = Imd(args, work, f"primary-{mode}", [])
            primary.start("sync" if mode == "sync" else "async")
            replica = None
            if mode != "none":
                replica = Imd(args, work, f"replica-{mode}", ["--replica-of", f"127.0.0.1:{primary.replication}"])
                replica.start()
                time.sleep(1)
            results[mode] = imbench(args, primary, seconds, os.path.join(work, f"{mode}.json"), sample=replica is not None)
            if replica:
                results[mode]["caught_up_after_s"] = round(wait_caught_up(primary, replica), 3)
            if mode == "async":
                # Catch-up from empty: a second replica copies the whole log.
                records = primary.summary()["store"]["messages"]
                fresh = Imd(args, work, "replica-fresh", ["--replica-of", f"127.0.0.1:{primary.replication}"])
                started = time.monotonic()
                fresh.start()
                wait_caught_up(primary, fresh)
                total = time.monotonic() - started
                results["catch_up"] = {"records": records, "bytes": primary.summary()["store"]["bytes"],
                                       "seconds": round(total, 3), "records_per_second": round(records / total)}
                fresh.stop()
            if mode == "sync":
                # Failover: kill -9 the primary, promote the replica, first successful send there.
                killed = time.monotonic()
                primary.stop(signal.SIGKILL)
                promotion = replica.admin("POST", "/store/promote")
                while not send_one(replica.client, 900):
                    time.sleep(0.01)
                results["failover"] = {"seconds": round(time.monotonic() - killed, 3),
                                       "first_id": promotion["data"]["first_id"]}
            if replica:
                replica.stop()
            primary.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results))
    else:
        for mode in ("none", "async", "sync"):
            r = results[mode]
            print(f"{mode:6} {r['acked_per_second']:>8} msg/s  ACK p99 {r['ack_p99_us']} µs  lost {r['lost']}  "
                  f"replica lag max {r.get('lag_records_max')} records / {r.get('lag_seconds_max')} s  exit {r['exit']}")
        c = results["catch_up"]
        print(f"catch-up from empty: {c['records']} records ({c['bytes']} bytes) in {c['seconds']} s: {c['records_per_second']} records/s")
        print(f"failover (kill -9 → promoted → first send ACKed): {results['failover']['seconds']} s")


if __name__ == "__main__":
    main()
