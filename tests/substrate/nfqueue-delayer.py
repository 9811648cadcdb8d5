#!/usr/bin/env python3
"""A small NFQUEUE delayer for the Omega network-namespace test substrate.

tc netem is absent on this machine kind, so delay is made in user space: iptables sends the
packets of one link to NFQUEUE queue N, this process holds each one for DELAY_MS (plus up to
JITTER_MS, never reordering) and then accepts it. It speaks nfnetlink_queue directly over an
AF_NETLINK socket (standard library only), asks for packet metadata only (no payload copy), and
prints "ready" once bound. Rules use --queue-bypass, so packets pass undelayed if it dies.

usage: nfqueue-delayer.py QUEUE DELAY_MS [JITTER_MS]
"""
import collections
import os
import random
import select
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NF_ACCEPT = 1
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLMSG_DONE = 3


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * ((4 - length % 4) % 4)


def message(msg_type, queue, attrs, flags=NLM_F_REQUEST, seq=0):
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + b"".join(attrs)
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, seq, 0) + body


def expect_ack(sock, what):
    data = sock.recv(65536)
    length, kind = struct.unpack_from("=IH", data, 0)
    if kind == NLMSG_ERROR:
        (err,) = struct.unpack_from("=i", data, 16)
        if err != 0:
            raise OSError(-err, f"{what}: {os.strerror(-err)}")


def main():
    queue = int(sys.argv[1])
    delay = float(sys.argv[2]) / 1000.0
    jitter = float(sys.argv[3]) / 1000.0 if len(sys.argv) > 3 else 0.0
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    sock.bind((0, 0))
    config = NFQNL_MSG_CONFIG
    sock.send(message(config, queue, [attr(NFQA_CFG_CMD, struct.pack("=BxH", NFQNL_CFG_CMD_BIND, 0))], NLM_F_REQUEST | NLM_F_ACK, 1))
    expect_ack(sock, f"bind queue {queue}")
    params = struct.pack(">IB", 0, NFQNL_COPY_META)
    sock.send(message(config, queue, [attr(NFQA_CFG_PARAMS, params)], NLM_F_REQUEST | NLM_F_ACK, 2))
    expect_ack(sock, "set copy mode")
    sock.send(message(config, queue, [attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack(">I", 10000))], NLM_F_REQUEST | NLM_F_ACK, 3))
    expect_ack(sock, "set queue length")
    print("ready", flush=True)

    held = collections.deque()  # (release_at, packet_id), release times never decrease: no reordering
    last_release = 0.0
    while True:
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, packet_id = held.popleft()
            verdict = attr(NFQA_VERDICT_HDR, struct.pack(">II", NF_ACCEPT, packet_id))
            sock.send(message(NFQNL_MSG_VERDICT, queue, [verdict]))
        timeout = max(0.0, held[0][0] - now) if held else 1.0
        ready, _, _ = select.select([sock], [], [], timeout)
        if not ready:
            continue
        try:
            data = sock.recv(262144)
        except OSError:
            continue  # ENOBUFS under a burst: the kernel dropped some; go on
        offset = 0
        while offset + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, offset)
            if length < 16:
                break
            if (kind & 0xFF) == NFQNL_MSG_PACKET and (kind >> 8) == NFNL_SUBSYS_QUEUE:
                pos = offset + 20
                end = offset + length
                while pos + 4 <= end:
                    alen, atype = struct.unpack_from("=HH", data, pos)
                    if alen < 4:
                        break
                    if (atype & 0x3FFF) == NFQA_PACKET_HDR:
                        (packet_id,) = struct.unpack_from(">I", data, pos + 4)
                        release = max(last_release, time.monotonic() + delay + random.uniform(0, jitter))
                        last_release = release
                        held.append((release, packet_id))
                    pos += (alen + 3) & ~3
            offset += (length + 3) & ~3


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
