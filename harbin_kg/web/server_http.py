"""The HTTP side of ``harbin-kg serve``: waitress, set up so that slow sockets cannot crowd others out.

waitress's defaults let 110 connections that trickle a request head one byte at a time take
every one of its 100 connection slots until they stop: waitress drops a connection only after
``channel_timeout`` seconds *without any byte* (issue 13). So:

* ``connection_limit`` is raised (default 1000, under the open-file limit) and ``poll()`` is
  used instead of ``select()`` (which cannot watch descriptors past 1023);
* **a request must arrive whole (head and body) within ``header_timeout`` seconds of its first
  byte**, or the connection is closed — checked every second by the server's maintenance
  pass, which waitress already runs for idle connections (:class:`GuardedServer`);
* idle keep-alive connections are closed after ``idle_timeout`` seconds (waitress: 120);
* ``channel_request_lookahead = 1`` keeps reading a connection while its request runs, so that
  a client hanging up is noticed (``environ["waitress.client_disconnected"]``) and its query
  stopped (:meth:`harbin_kg.web.server_workers.WorkerPool.run`).

A public deployment still belongs behind a reverse proxy that buffers requests: see docs/server.md.
"""

from __future__ import annotations

import logging
import resource
import time

__all__ = ["make_server", "default_connection_limit"]

log = logging.getLogger("harbin_kg.web.server")


def default_connection_limit(wanted: int = 1000) -> int:
    """``wanted``, or less when the open-file limit would not allow it (room kept for workers and files)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(16, min(wanted, soft - 64))


def make_server(app, *, host: str, port: int, threads: int, connection_limit: int, header_timeout: float,
                idle_timeout: float, max_request_body_size: int, trusted_proxy: str | None = None):
    """A waitress server for ``app`` (not started): ``.run()``, ``.close()``, ``.effective_port``."""
    from waitress.adjustments import Adjustments
    from waitress.channel import HTTPChannel
    from waitress.server import MultiSocketServer, TcpWSGIServer
    from waitress.task import ThreadedTaskDispatcher

    class GuardedChannel(HTTPChannel):
        """Remembers when the request being received began."""

        request_began = None

        def received(self, data):
            if self.request is None and data:
                self.request_began = time.monotonic()
            return super().received(data)

    class GuardedServer(TcpWSGIServer):
        channel_class = GuardedChannel

        def maintenance(self, now):
            super().maintenance(now)  # idle connections
            cutoff = time.monotonic() - header_timeout
            for channel in list(self.active_channels.values()):
                began = getattr(channel, "request_began", None)
                if channel.request is not None and began is not None and began < cutoff and not channel.will_close:
                    log.warning("closing a connection from %s that did not finish its request within %g s",
                                channel.addr[0] if channel.addr else "-", header_timeout)
                    channel.will_close = True
                    channel.server.pull_trigger()

    options = dict(host=host, port=port, threads=threads, ident="harbin-kg", connection_limit=connection_limit,
                   channel_timeout=idle_timeout, cleanup_interval=1, asyncore_use_poll=True,
                   channel_request_lookahead=1, max_request_body_size=max_request_body_size,
                   clear_untrusted_proxy_headers=True)
    if trusted_proxy:
        options.update(trusted_proxy=trusted_proxy, trusted_proxy_headers={"x-forwarded-for"},
                       trusted_proxy_count=1)
    adj = Adjustments(**options)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    socket_map: dict = {}
    servers = [GuardedServer(app, socket_map, True, None, dispatcher=dispatcher, adj=adj, sockinfo=info)
               for info in adj.listen]
    if len(servers) == 1:
        return servers[0]
    return MultiSocketServer(socket_map, adj, [(s.effective_host, s.effective_port) for s in servers], dispatcher)
