#!/usr/bin/env python3
"""The fail-over figure of a cluster (issue "many nodes"): N clients logged in on node a of two imd nodes on
one PostgreSQL, a sender on node b writing to them (round robin, --rate msg/s); node a is killed with
SIGKILL; every client then asks b's /lookup where to go (again after a pause while it is sent to the dead
node), logs in there and, once all are back, syncs its queue from the start. Reports the time from the kill
to the last client logged in again (p50/p99/max), and checks every ACKed message is in its receiver's queue
exactly once. Release binaries from --bin; everything on 127.0.0.1.

  scripts/failover-figure.py --postgres URL              # 5,000 clients
  scripts/failover-figure.py --postgres URL --clients 1000 --json
Without --postgres it starts a throwaway cluster with scripts/postgres.sh in a temporary directory.
"""
import argparse, base64, hashlib, hmac, http.client, json, os, queue, random, resource, selectors, signal, socket
import struct, subprocess, sys, tempfile, threading, time

SECRET, ADMIN, APP = "figures-jwt-secret-of-32-bytes-long!!", "figures-admin-token", 7
AUTH, AUTH_STATUS, IM, ACK, SYNC, SYNC_END = 15, 3, 4, 5, 26, 28


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jwt(uid):
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=")
    head = b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + b64(json.dumps({"appid": APP, "uid": uid}).encode())
    return head + b"." + b64(hmac.new(SECRET.encode(), head, hashlib.sha256).digest())


def frame(seq, command, body):
    return struct.pack(">iiBBBB", len(body), seq, command, 2, 0, 0) + body


def auth_frame(uid):
    token, device = jwt(uid), b"failover"
    return frame(1, AUTH, bytes([2, len(token)]) + token + bytes([len(device)]) + device)


def frames(buffer):
    """Complete frames at the front of `buffer`: [(command, flags, body)], and the rest."""
    out = []
    while len(buffer) >= 12:
        length = struct.unpack(">i", buffer[:4])[0]
        if len(buffer) < 12 + length:
            break
        out.append((buffer[8], buffer[10], buffer[12:12 + length]))
        buffer = buffer[12 + length:]
    return out, buffer


class Node:
    def __init__(self, args, work, name, url):
        self.name, self.client, self.admin = name, free_port(), free_port()
        log = open(os.path.join(work, name + ".log"), "ab")
        self.process = subprocess.Popen(
            [os.path.join(args.bin, "imd"), "--data-dir", os.path.join(work, name), "--postgres", url,
             "--node-id", name, "--listen", f"127.0.0.1:{self.client}", "--admin-listen", f"127.0.0.1:{self.admin}",
             "--admin-token", ADMIN, "--jwt-secret", SECRET],
            stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/summary")
                return
            except OSError:
                time.sleep(0.05)
        sys.exit(f"failover-figure: node {name} did not start; see {log.name}")

    def get(self, path, connection=None):
        own = connection is None
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.admin, timeout=30)
        connection.request("GET", path, headers={"Authorization": "Bearer " + ADMIN})
        reply = connection.getresponse()
        body = json.loads(reply.read() or b"{}")
        if own:
            connection.close()
        return reply.status, body


class Client:
    def __init__(self, uid):
        self.uid, self.sock, self.buffer, self.state, self.port = uid, None, b"", "new", None
        self.logged_in_at, self.received, self.key = None, [], 0

    def connect(self, selector, port):
        self.sock = socket.socket()
        self.sock.setblocking(False)
        self.sock.connect_ex(("127.0.0.1", port))
        self.port = port
        self.buffer, self.state = b"", "connecting"
        selector.register(self.sock, selectors.EVENT_WRITE, self)

    def drop(self, selector):
        if self.sock:
            selector.unregister(self.sock)
            self.sock.close()
            self.sock = None


class Sender(threading.Thread):
    """uid 0 on node b: a message to the next receiver every 1/rate s, ACKs read by a second thread."""

    def __init__(self, node, receivers, rate):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", node.client))
        self.sock.sendall(auth_frame(1_000_000))
        self.receivers, self.rate, self.running = receivers, rate, True
        self.sent, self.acked, self.refused = {}, [], 0
        self.lock = threading.Lock()
        threading.Thread(target=self.read_acks, daemon=True).start()

    def run(self):
        seq, start = 1, time.monotonic()
        while self.running:
            seq += 1
            number = seq - 1
            receiver = self.receivers[number % len(self.receivers)]
            with self.lock:
                self.sent[seq] = (receiver, number)
            body = struct.pack(">qqii", 1_000_000, receiver, 0, number) + str(number).encode()
            self.sock.sendall(frame(seq, IM, body))
            delay = start + number / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def read_acks(self):
        buffer = b""
        while True:
            data = self.sock.recv(1 << 16)
            if not data:
                return
            parsed, buffer = frames(buffer + data)
            for command, _, body in parsed:
                if command == ACK:
                    seq, status = struct.unpack(">iB", body[:5])
                    with self.lock:
                        if status == 0 and seq in self.sent:
                            self.acked.append(self.sent[seq])
                        elif seq in self.sent:
                            self.refused += 1


class Clients:
    """Every client's socket in one selector; after the kill, lookups run on worker threads."""

    def __init__(self, count, lookup_node, workers=8):
        self.all = [Client(uid) for uid in range(1, count + 1)]
        self.selector = selectors.DefaultSelector()
        self.lookups, self.answers, self.retries = queue.Queue(), queue.Queue(), []
        self.failing_over, self.sent_to_dead, self.lookup_errors = False, 0, 0
        for _ in range(workers):
            threading.Thread(target=self.lookup_worker, args=(lookup_node,), daemon=True).start()

    def lookup_worker(self, node):
        connection = http.client.HTTPConnection("127.0.0.1", node.admin, timeout=30)
        while True:
            client = self.lookups.get()
            try:
                status, body = node.get(f"/lookup?appid={APP}&uid={client.uid}", connection)
                port = int(body["data"]["tcp"].rsplit(":", 1)[1]) if status == 200 else None
            except (OSError, KeyError, ValueError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", node.admin, timeout=30)
                port = None
            self.answers.put((client, port))

    def pump(self, timeout=0.01):
        now = time.monotonic()
        while not self.answers.empty():
            client, port = self.answers.get()
            if port is None:
                self.lookup_errors += 1
                self.retries.append((now + 0.5, client))
            else:
                client.connect(self.selector, port)
        due = [c for at, c in self.retries if at <= now]
        self.retries = [(at, c) for at, c in self.retries if at > now]
        for client in due:
            self.lookups.put(client)
        for key, events in self.selector.select(timeout):
            self.handle(key.data, events)

    def handle(self, client, events):
        if client.state == "connecting":
            if client.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                return self.lost(client, refused=True)
            client.sock.sendall(auth_frame(client.uid))
            client.state = "auth"
            self.selector.modify(client.sock, selectors.EVENT_READ, client)
            return
        try:
            data = client.sock.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            return self.lost(client)
        parsed, client.buffer = frames(client.buffer + data)
        for command, flags, body in parsed:
            if client.state == "auth" and command == AUTH_STATUS:
                if struct.unpack(">i", body[:4])[0] != 0:
                    sys.exit(f"failover-figure: uid {client.uid} was refused")
                client.state, client.logged_in_at = "online", time.monotonic()
            elif client.state == "syncing" and command == IM and not flags & 0x10:
                client.received.append(struct.unpack(">i", body[20:24])[0])
            elif client.state == "syncing" and command == SYNC_END:
                key = struct.unpack(">q", body[:8])[0]
                if key == client.key:
                    client.state = "synced"
                else:
                    client.key = key
                    client.sock.sendall(frame(2, SYNC, struct.pack(">q", key)))

    def lost(self, client, refused=False):
        client.drop(self.selector)
        client.state, client.logged_in_at = "away", None
        if not self.failing_over:
            sys.exit(f"failover-figure: uid {client.uid} lost its connection before the kill")
        if refused:
            self.sent_to_dead += 1
            self.retries.append((time.monotonic() + 0.5 + random.random() * 0.5, client))
        else:
            self.lookups.put(client)

    def wait(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump()

    def until(self, done, seconds, what):
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                sys.exit(f"failover-figure: {what} did not happen within {seconds} s")
            self.pump()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def run(args, url, work, nodes):
    a = Node(args, work, "a", url)
    nodes.append(a)
    b = Node(args, work, "b", url)
    nodes.append(b)
    clients = Clients(args.clients, b)
    started = time.monotonic()
    for index, client in enumerate(clients.all):
        client.connect(clients.selector, a.client)
        if index % 500 == 499:
            clients.until(lambda: all(c.state == "online" for c in clients.all[: index + 1]), 60, "logging in on a")
    clients.until(lambda: all(c.state == "online" for c in clients.all), 60, "logging in on a")
    print(f"{args.clients} clients logged in on node a in {time.monotonic() - started:.1f} s", file=sys.stderr)
    sender = Sender(b, [c.uid for c in clients.all], args.rate)
    sender.start()
    clients.until(lambda: len(sender.acked) >= args.rate, 30, "the first second of messages")
    clients.failing_over = True
    a.process.kill()
    killed = time.monotonic()
    a.process.wait()
    print("node a killed; its clients fail over", file=sys.stderr)
    back_on_b = lambda c: c.state == "online" and c.port == b.client
    clients.until(lambda: all(back_on_b(c) for c in clients.all), 120, "every client logging in on b")
    back = [c.logged_in_at - killed for c in clients.all]
    print(f"all back on b after {max(back):.2f} s", file=sys.stderr)
    clients.wait(1)  # messages to clients back on b, pushed there
    sender.running = False
    sender.join()
    clients.wait(1)  # the last ACKs
    for client in clients.all:
        client.state = "syncing"
        client.sock.sendall(frame(2, SYNC, struct.pack(">q", 0)))
    clients.until(lambda: all(c.state == "synced" for c in clients.all), 300, "every client syncing")
    expected = {}
    for receiver, number in sender.acked:
        expected.setdefault(receiver, set()).add(number)
    lost = sum(len(numbers - set(c.received)) for c in clients.all for numbers in [expected.get(c.uid, set())])
    duplicated = sum(len(c.received) - len(set(c.received)) for c in clients.all)
    return {"clients": args.clients, "rate": args.rate,
            "back_seconds": {"p50": round(percentile(back, 0.5), 2), "p99": round(percentile(back, 0.99), 2),
                             "max": round(max(back), 2)},
            "connects_to_the_dead_node": clients.sent_to_dead, "lookup_errors": clients.lookup_errors,
            "acked": len(sender.acked), "refused": sender.refused, "lost": lost, "duplicated": duplicated}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=1000, help="messages/s from the sender on node b")
    parser.add_argument("--postgres", help="the database URL (default: a throwaway cluster)")
    parser.add_argument("--bin", default=".build/release")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    work = tempfile.mkdtemp(prefix="failover-figure-")
    os.chmod(work, 0o755)  # the database server runs as its own user (scripts/postgres.sh)
    url, cluster = args.postgres, None
    if url is None:
        cluster = os.path.join(work, "pg")
        subprocess.run(["scripts/postgres.sh", "start", cluster], check=True, stdout=subprocess.DEVNULL)
        url = subprocess.run(["scripts/postgres.sh", "url", cluster], check=True, capture_output=True,
                             text=True).stdout.strip()
    nodes = []
    try:
        result = run(args, url, work, nodes)
    finally:
        for node in nodes:  # also when the run failed: no imd is left behind
            if node.process.poll() is None:
                node.process.send_signal(signal.SIGTERM)
                node.process.wait(timeout=60)
        if cluster:
            subprocess.run(["scripts/postgres.sh", "stop", cluster], stdout=subprocess.DEVNULL)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        back = result["back_seconds"]
        print(f"{result['clients']} clients of the killed node logged in again on the other after "
              f"p50 {back['p50']} s, p99 {back['p99']} s, max {back['max']} s (the lease included); "
              f"{result['connects_to_the_dead_node']} connects sent to the dead node first; "
              f"{result['acked']} messages ACKed, {result['lost']} lost, {result['duplicated']} duplicated")
    sys.exit(0 if result["lost"] == 0 and result["duplicated"] == 0 else 4)


if __name__ == "__main__":
    main()
