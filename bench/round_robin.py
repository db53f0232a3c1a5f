#!/usr/bin/env python3
"""A round-robin TCP proxy on a loopback port, for benchmarks: each accepted connection goes
to the next of the given backends, whole (connections are balanced, not requests, as a layer-4
load balancer does). Prints `listening on 127.0.0.1:PORT` once it accepts.

Usage: python3 bench/round_robin.py 127.0.0.1:8081 127.0.0.1:8082 127.0.0.1:8083
"""

import asyncio
import itertools
import sys


async def pipe(reader, writer):
    try:
        while True:
            chunk = await reader.read(1 << 16)
            if not chunk:
                break
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except ConnectionError:
            pass


async def main(backends):
    turn = itertools.cycle(backends)

    async def accept(client_reader, client_writer):
        host, port = next(turn).rsplit(":", 1)
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1:]))
