"""The outgoing-webhook gateway: signatures, the address check (SSRF) and the POST itself.

Signature header, in the style Stripe uses::

    CoachHub-Signature: t=1764770000,v1=<hex HMAC-SHA256 of "t.body" with the secret>

During a secret rotation a second `v1=` carries the signature with the previous secret.
"""

import hashlib
import hmac
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

SIGNATURE_HEADER = "CoachHub-Signature"
USER_AGENT = "CoachHub-Webhooks/1"


class AddressRefused(ValueError):
    """The URL is not one we send to (scheme, or an address inside a private network)."""


def sign(body: bytes, secrets: list[str], timestamp: int | None = None) -> str:
    """The signature header's value for `body` with each secret (current first)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    parts = [f"t={timestamp}"]
    for secret in secrets:
        parts.append("v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest())
    return ",".join(parts)


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse URLs that are not http(s) or resolve to private, loopback, link-local,
    multicast or reserved addresses (unless `allow_private`: development and tests)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("Use an http:// or https:// URL with a host name.")
    if parts.username or parts.password:
        raise AddressRefused("Leave credentials out of the URL.")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused("That host name does not resolve.") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        ):
            raise AddressRefused("That URL points inside a private network; use a public one.")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    error: str | None = None


def post(url: str, body: bytes, signature: str, *, timeout: float) -> Outcome:
    """POST the signed body; any 2xx is success, everything else (and no answer) a failure."""
    request = urllib.request.Request(  # noqa: S310 -- the scheme was checked to be http(s)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: signature,
        },
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            return Outcome(200 <= response.status < 300, response.status)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Outcome(False, None, f"{type(error).__name__}: {error}"[:500])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere (inside the network too): it counts as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


def _opener():
    return urllib.request.build_opener(_NoRedirect)
