"""systemd's notification protocol: one datagram to the socket named by NOTIFY_SOCKET."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from datetime import timedelta

log = logging.getLogger(__name__)


def notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send `message` ("READY=1", "WATCHDOG=1"…) to systemd; False when not under systemd or
    the socket is gone (never raises: the bot runs the same without it)."""
    address = (os.environ if environ is None else environ).get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as error:
        log.warning("systemd notification not sent: %s", type(error).__name__)
        return False
    return True


def watchdog_interval(environ: Mapping[str, str] | None = None) -> timedelta | None:
    """Half of WatchdogSec= (systemd's advice), or None when no watchdog is set for us."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return timedelta(microseconds=int(usec) / 2)
