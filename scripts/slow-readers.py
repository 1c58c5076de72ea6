#!/usr/bin/env python3
"""Slow readers: N logged-in clients (uids 1000...) that never read, and one sender (uid 1) sending them
~1 KB messages as fast as it can, PER each; prints imd's resident and anonymous memory as it goes, at the
end and 3 s later. For the memory bound of README "Memory per connection is bounded".

  scripts/slow-readers.py IMD_PID CLIENT_PORT ADMIN_URL ADMIN_TOKEN [N=300] [PER=1000]
"""
import json, socket, struct, sys, threading, time, urllib.request

pid, port, admin, admin_token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 300
per = int(sys.argv[6]) if len(sys.argv) > 6 else 1000
APP = 7

def mem():
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "RssAnon"): fields[k] = int(v.split()[0]) // 1024
    return fields

def token(uid):
    req = urllib.request.Request(admin + "/auth/token", data=json.dumps({"appid": APP, "uid": uid}).encode(),
                                 headers={"Authorization": "Bearer " + admin_token, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["data"]["token"]

def frame(seq, cmd, body, version=2):
    return struct.pack(">iiBBBB", len(body), seq, cmd, version, 0, 0) + body

def login(uid):
    s = socket.create_connection(("127.0.0.1", port))
    t = token(uid).encode()
    dev = b"dev"
    s.sendall(frame(1, 15, bytes([1, len(t)]) + t + bytes([len(dev)]) + dev))
    hdr = s.recv(12, socket.MSG_WAITALL); body = s.recv(struct.unpack(">i", hdr[:4])[0], socket.MSG_WAITALL)
    assert hdr[8] == 3 and struct.unpack(">i", body)[0] == 0, "login failed"
    return s

print("before", mem(), flush=True)
receivers = [login(1000 + i) for i in range(n)]
for r in receivers: r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
sender = login(1)
print("logged in", mem(), flush=True)
content = b"x" * 1000
acks = [0]
def drain():
    buf = b""
    while True:
        data = sender.recv(1 << 16)
        if not data: return
        buf += data
        while len(buf) >= 12:
            length = struct.unpack(">i", buf[:4])[0]
            if len(buf) < 12 + length: break
            if buf[8] == 5: acks[0] += 1
            buf = buf[12 + length:]
threading.Thread(target=drain, daemon=True).start()
total = n * per
start = time.time(); seq = 1; peak = mem()
batch = []
for i in range(total):
    seq += 1
    body = struct.pack(">qqii", 1, 1000 + i % n, 0, i) + content
    batch.append(frame(seq, 4, body))
    if len(batch) == 200:
        sender.sendall(b"".join(batch)); batch = []
        if i % 20000 < 200:
            m = mem(); peak = {k: max(peak.get(k, 0), v) for k, v in m.items()}
            print(f"sent {i+1} acked {acks[0]} {m}", flush=True)
if batch: sender.sendall(b"".join(batch))
while acks[0] < total and time.time() - start < 300:
    time.sleep(0.5); m = mem(); peak = {k: max(peak.get(k, 0), v) for k, v in m.items()}
print(f"done: {total} sent, {acks[0]} acked in {time.time()-start:.1f}s; peak {peak}; now {mem()}", flush=True)
time.sleep(3); print("after 3 s", mem(), flush=True)
