#!/usr/bin/env python3
"""Soak test: imd under imbench load, killed with -9 at random moments and restarted; after each restart
every message it ACKed must be there (read back by sync) and the restart must take under --max-restart.
With --memory DURATION: no kills; imd under load for that long, its memory sampled every 10 s, and it
must not keep growing. Prints a table (or --json) and exits 1 on any loss, slow restart or growth.

  scripts/soak.sh                        # 20 kills, release binaries from .build/release
  scripts/soak.sh --kills 3 --bin DIR    # CI's short mode
  scripts/soak.sh --memory 1h            # the hour-long memory run
"""
import argparse, json, os, random, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time
import urllib.request

APP, SENDER, RECEIVER = 7, 1, 2
AUTH_STATUS, IM, ACK, AUTH_TOKEN, SYNC, SYNC_BEGIN, SYNC_END = 3, 4, 5, 15, 26, 27, 28


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Imd:
    """One imd process on fixed ports (the same after each restart)."""

    def __init__(self, args, data_dir, client_port, admin_port, token):
        self.args, self.data_dir, self.token = args, data_dir, token
        self.client_port, self.admin_port = client_port, admin_port
        self.admin = f"http://127.0.0.1:{admin_port}"
        self.process = None

    def start(self):
        """Starts imd; returns the seconds until it answers logins."""
        started = time.monotonic()
        log = open(os.path.join(os.path.dirname(self.data_dir), "imd.log"), "ab")
        self.process = subprocess.Popen(
            [os.path.join(self.args.bin, "imd"), "--data-dir", self.data_dir,
             "--listen", f"127.0.0.1:{self.client_port}", "--admin-listen", f"127.0.0.1:{self.admin_port}",
             "--admin-token", self.token, "--fsync", self.args.fsync, "--node-id", "soak"],
            stdout=subprocess.DEVNULL, stderr=log)
        while time.monotonic() - started < 120:
            if self.process.poll() is not None:
                sys.exit(f"soak: imd exited with {self.process.returncode}; see {log.name}")
            try:
                Client(self, SENDER).close()
                return time.monotonic() - started
            except OSError:
                time.sleep(0.01)
        sys.exit("soak: imd did not answer a login within 120 s")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def rss_mib(self):
        for line in open(f"/proc/{self.process.pid}/status"):
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def index_entries(self):
        """Entries in the store's index (`/summary`'s store.entries)."""
        request = urllib.request.Request(self.admin + "/summary", headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.load(reply).get("store", {}).get("entries", 0)

    def login_token(self, uid):
        request = urllib.request.Request(
            self.admin + "/auth/token", data=json.dumps({"appid": APP, "uid": uid}).encode(),
            headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.load(reply)["data"]["token"]


def frame(seq, command, body):
    return struct.pack(">iiBBBB", len(body), seq, command, 2, 0, 0) + body


class Client:
    """A v2 client logged in as `uid`."""

    def __init__(self, imd, uid):
        token = imd.login_token(uid).encode()
        self.socket = socket.create_connection(("127.0.0.1", imd.client_port), timeout=30)
        self.buffer, self.seq = b"", 1
        self.socket.sendall(frame(1, AUTH_TOKEN, bytes([1, len(token)]) + token + bytes([3]) + b"dev"))
        command, body = self.next()
        if command != AUTH_STATUS or struct.unpack(">i", body)[0] != 0:
            raise OSError("login refused")

    def next(self):
        while True:
            if len(self.buffer) >= 12:
                length = struct.unpack(">i", self.buffer[:4])[0]
                if len(self.buffer) >= 12 + length:
                    command, body = self.buffer[8], self.buffer[12:12 + length]
                    self.buffer = self.buffer[12 + length:]
                    return command, body
            data = self.socket.recv(1 << 16)
            if not data:
                raise OSError("closed")
            self.buffer += data

    def sync_all(self):
        """Every message in the receiver's queue, as their texts."""
        key, texts = 0, []
        while True:
            self.seq += 1
            self.socket.sendall(frame(self.seq, SYNC, struct.pack(">q", key)))
            page = 0
            while True:
                command, body = self.next()
                if command == IM:
                    texts.append(body[24:].decode())
                    page += 1
                elif command == SYNC_END:
                    key = struct.unpack(">q", body[:8])[0]
                    break
            if page == 0:
                return texts

    def close(self):
        self.socket.close()


def send_until_killed(imd, acked, window=20):
    """Sends numbered texts from SENDER to RECEIVER, `window` un-ACKed, recording each ACKed text,
    until the connection breaks (imd was killed)."""
    try:
        client = Client(imd, SENDER)
    except OSError:
        return
    pending, base = {}, f"{time.time_ns()}-"
    try:
        while True:
            while len(pending) < window:
                client.seq += 1
                text = base + str(client.seq)
                body = struct.pack(">qqii", SENDER, RECEIVER, 0, client.seq) + text.encode()
                client.socket.sendall(frame(client.seq, IM, body))
                pending[client.seq] = text
            command, body = client.next()
            if command == ACK:
                seq, status = struct.unpack(">iB", body[:5])
                text = pending.pop(seq, None)
                if text is not None and status == 0:
                    acked.append(text)
    except OSError:
        pass


def start_load(imd, args, rate=None):
    """imbench's peer scenario against imd (closed loop, or `rate` messages/s), until killed; its output
    goes to imbench.log beside the data."""
    log = open(os.path.join(os.path.dirname(imd.data_dir), "imbench.log"), "ab")
    load = subprocess.Popen(
        [os.path.join(args.bin, "imbench"), "--host", "127.0.0.1", "--port", str(imd.client_port),
         "--admin", imd.admin, "--admin-token", imd.token, "--clients", str(args.clients),
         "--duration", "86400s", "--progress", "lines", "--uid-base", "1000000"]
        + (["--rate", str(rate)] if rate else ["--window", "10"]),
        stdout=log, stderr=log)
    time.sleep(0.5)
    if load.poll() is not None:
        sys.exit(f"soak: imbench exited with {load.returncode}; see {log.name}")
    return load


def kills(args, imd):
    rows, checked, failed = [], set(), False
    imd.start()
    for round_number in range(1, args.kills + 1):
        load = start_load(imd, args)
        acked = []
        sender = threading.Thread(target=send_until_killed, args=(imd, acked), daemon=True)
        sender.start()
        time.sleep(random.uniform(args.min_run, args.max_run))
        imd.kill9()
        sender.join(30)
        load.kill()
        load.wait()
        restart = imd.start()
        stored = set(Client(imd, RECEIVER).sync_all())
        checked.update(acked)
        lost = len(checked - stored)
        slow = restart > args.max_restart
        failed |= lost > 0 or slow
        rows.append({"round": round_number, "acked": len(acked), "checked": len(checked), "lost": lost,
                     "restart_seconds": round(restart, 3)})
        if not args.json:
            print(f"{round_number:>5} {len(acked):>8} {len(checked):>9} {lost:>5} {restart:>9.3f}"
                  + ("  LOST" if lost else "") + ("  SLOW" if slow else ""), flush=True)
    status = imd.stop()
    failed |= status != 0
    return {"mode": "kills", "rounds": rows, "graceful_exit": status,
            "max_restart_seconds": max(r["restart_seconds"] for r in rows), "lost": rows[-1]["lost"],
            "passed": not failed}


# What one index entry costs in memory: LogStore keeps every entry's id and position (16 bytes) in arrays
# that grow by doubling. The index grows with the data (until retention); everything else must not.
INDEX_BYTES_PER_ENTRY = 24


def memory(args, imd):
    imd.start()
    load = start_load(imd, args, rate=args.rate)
    samples, started = [], time.monotonic()
    while time.monotonic() - started < args.memory:
        time.sleep(10)
        rss, entries = imd.rss_mib(), imd.index_entries()
        other = rss - entries * INDEX_BYTES_PER_ENTRY / (1 << 20)
        samples.append({"seconds": int(time.monotonic() - started), "rss_mib": round(rss, 1), "entries": entries,
                        "other_mib": round(other, 1)})
        if not args.json:
            print(f"{samples[-1]['seconds']:>6}s {rss:>9.1f} MiB {entries:>11} {other:>9.1f} MiB", flush=True)
    load.kill()
    load.wait()
    status = imd.stop()
    others = [sample["other_mib"] for sample in samples]
    quarter = max(1, len(others) // 4)
    early, late = max(others[quarter:2 * quarter] or others), max(others[-quarter:])
    # Past half again what the second quarter used, and by 64 MiB, is not a warm cache: it keeps growing.
    grew = late > early * 1.5 and late - early > 64
    return {"mode": "memory", "samples": samples, "second_quarter_max_mib": early, "last_quarter_max_mib": late,
            "graceful_exit": status, "passed": not grew and status == 0}


def duration(text):
    units = {"s": 1, "m": 60, "h": 3600}
    return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="where imd and imbench are (default .build/release)")
    parser.add_argument("--kills", type=int, default=20, help="kill -9 and restart this many times (default 20)")
    parser.add_argument("--memory", type=duration, help="instead of kills: run this long (30m, 1h), sampling memory")
    parser.add_argument("--fsync", default="batch", help="imd's fsync policy (default batch: ACK after fsync)")
    parser.add_argument("--clients", type=int, default=20, help="imbench clients as background load (default 20)")
    parser.add_argument("--rate", type=int, default=2000, help="--memory: messages/s of load (default 2000)")
    parser.add_argument("--min-run", type=float, default=1.0, help="seconds of load before a kill, at least")
    parser.add_argument("--max-run", type=float, default=4.0, help="... and at most")
    parser.add_argument("--max-restart", type=float, default=2.0, help="a slower restart fails (default 2 s)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()
    for tool in ("imd", "imbench"):
        if not os.access(os.path.join(args.bin, tool), os.X_OK):
            sys.exit(f"soak: no {tool} in {args.bin} (swift build -c release, or --bin DIR)")
    work = tempfile.mkdtemp(prefix="im-soak-")
    imd = Imd(args, os.path.join(work, "data"), free_port(), free_port(), os.urandom(16).hex())
    if not args.json:
        print(f"soak: imd in {work} ({'memory for %ds' % args.memory if args.memory else '%d kills' % args.kills})")
        print("round    acked   checked  lost  restart_s" if not args.memory
              else "  time       anon    entries  less index")
    try:
        result = memory(args, imd) if args.memory else kills(args, imd)
    finally:
        if imd.process and imd.process.poll() is None:
            imd.process.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result) if args.json else ("PASS" if result["passed"] else "FAIL"))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
