"""Outbound URL checks: only https, only allow-listed host names (no SSRF to internal hosts)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class DisallowedUrl(ValueError):
    pass


def check_allowed_https_url(url: str, allowed_hosts: list[str]) -> str:
    """Return the host of `url`, or raise when it is not https on an allow-listed host name.

    IP literals are refused even when listed: a name must be allow-listed on purpose, and a
    literal is the usual way to reach 127.0.0.1, 169.254.169.254 or a private network.
    """
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise DisallowedUrl(f"{url!r}: only https is allowed")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise DisallowedUrl(f"{url!r}: no host")
    if parts.username or parts.password:
        raise DisallowedUrl(f"{url!r}: credentials in the URL are not allowed")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise DisallowedUrl(f"{url!r}: an IP address is not allowed; allow-list a host name")
    if host == "localhost" or host.endswith(".localhost"):
        raise DisallowedUrl(f"{url!r}: localhost is not allowed")
    if host not in {h.lower().rstrip(".") for h in allowed_hosts}:
        raise DisallowedUrl(f"{url!r}: host {host!r} is not in KOLADA_ALLOWED_HOSTS")
    return host
