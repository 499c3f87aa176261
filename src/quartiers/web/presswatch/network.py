"""What the press watch may reach and link to: feeds only on public addresses (no request to
this machine, the cloud's metadata service or a private network: SSRF), links only in http or
https (a ``javascript:`` link from a feed would run on our pages).

The address is checked where the connection is made (a network backend for httpx), so every
request, each redirect included, is checked, against the very address then connected to (a
name cannot resolve to a public address for the check and to a private one for the request).
``settings.PRESSWATCH_ALLOW_PRIVATE_ADDRESSES`` (False unless set) lifts the check: the tests
serve their feeds from 127.0.0.1."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

REFUSED = "Adresse refusée : réseau privé ou local."


class PrivateAddress(Exception):
    """The host is (or resolves to) an address that is not on the public Internet."""

    def __str__(self) -> str:
        return REFUSED


def safe_link(url: str) -> str:
    """The URL when it is an http(s) link with a host, else blank (shown without a link)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def private_allowed() -> bool:
    return getattr(settings, "PRESSWATCH_ALLOW_PRIVATE_ADDRESSES", False)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone names a local link
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global


def public_addresses(host: str, port: int) -> list[str]:
    """The host's addresses, all public; PrivateAddress when any is not (socket.gaierror when
    the name does not resolve)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not private_allowed() and not all(_is_public(address) for address in addresses):
        raise PrivateAddress
    return addresses


def check_url(url: str) -> None:
    """PrivateAddress when the URL's host is known to be private or local; a name that does
    not resolve passes (the fetch will say the server cannot be reached)."""
    parts = urlsplit(url)
    if not parts.hostname or private_allowed():
        return
    try:
        public_addresses(parts.hostname, parts.port or 443)
    except (socket.gaierror, UnicodeError, ValueError):
        return


class _PublicOnlyBackend(httpcore.SyncBackend):
    """Connects only to public addresses: the name is resolved here, checked, and the
    connection made to the checked address (TLS still verifies the name)."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = public_addresses(host, port)
        except (socket.gaierror, UnicodeError) as error:
            raise httpcore.ConnectError(str(error)) from error
        error = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as failed:
                error = failed
        raise error or httpcore.ConnectError("no address")


class PublicOnlyTransport(httpx.HTTPTransport):
    """httpx's transport, its connections made by the public-only backend (no proxy: the
    check must see the feed's own server)."""

    def __init__(self):
        super().__init__()
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                             network_backend=_PublicOnlyBackend())
