"""Loaded by every Python process of an offline test run (via PYTHONPATH).

Refuses, and records in $PBANALYSIS_NET_LOG, any network connection or name
lookup that is not to this machine (loopback or a Unix socket: Jupyter kernels
talk to papermill over loopback).
"""

import os
import socket

_LOG = os.environ.get("PBANALYSIS_NET_LOG")
_LOCAL = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "", None}


def _refuse(what):
    if _LOG:
        with open(_LOG, "a") as fh:
            fh.write(f"{os.getpid()} {what}\n")
    raise OSError(f"offline test: network use refused: {what}")


_connect = socket.socket.connect
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    if (
        self.family in (socket.AF_INET, socket.AF_INET6)
        and address[0] not in _LOCAL
        and not str(address[0]).startswith("127.")
    ):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def getaddrinfo(host, *args, **kw):
    if host not in _LOCAL and not str(host).startswith("127."):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kw)


socket.socket.connect = connect
socket.getaddrinfo = getaddrinfo
