#!/usr/bin/env python3
"""A TCP relay in front of the local venue that can black-hole the network (issue 14, drill 3).

    blackhole_proxy.py --upstream-port P --port-file F --blackhole-s N

Relays every connection to 127.0.0.1:P byte for byte (TLS passes through untouched, so the bot
still verifies the venue's certificate). On SIGUSR1 the network goes dark for N seconds: nothing
is delivered in either direction and connections opened meanwhile are not put through, as when
packets are silently dropped. What was sent is held, not discarded, because TCP retransmits: once
the network returns the held bytes arrive (late), as they would. A side that closed during the
blackhole is closed on the other side only after its held bytes went through.

Prints one line per blackhole start and end on stdout.
"""
import argparse
import asyncio
import os
import signal
import sys
import time


class Network:
    def __init__(self, dark_for_s):
        self.dark_for_s = dark_for_s
        self.dark_until = 0.0

    def go_dark(self):
        self.dark_until = time.monotonic() + self.dark_for_s
        print(f"blackhole start for {self.dark_for_s} s", flush=True)
        asyncio.get_running_loop().call_later(self.dark_for_s, self.report_end)

    def report_end(self):
        print("blackhole end", flush=True)

    async def wait_light(self):
        """Returns once the network is up."""
        left = self.dark_until - time.monotonic()
        while left > 0:
            await asyncio.sleep(left)
            left = self.dark_until - time.monotonic()


async def pump(net, reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            await net.wait_light()
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


async def relay(net, upstream_port, client_reader, client_writer):
    await net.wait_light()  # a connection attempt in the dark gets through only afterwards
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pump(net, client_reader, up_writer), pump(net, up_reader, client_writer))


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--blackhole-s", type=float, required=True)
    a = ap.parse_args()
    net = Network(a.blackhole_s)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, net.go_dark)
    server = await asyncio.start_server(lambda r, w: relay(net, a.upstream_port, r, w), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, a.port_file)
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(s, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
