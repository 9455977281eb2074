"""The workshop room's network: the address phones reach this server on, and the join URL built from it.

A workshop often runs on the adviser's laptop, on the room's Wi-Fi, with no internet. Phones must be
given the laptop's address on that network, never `localhost` (which, on a phone, is the phone).
Plain Python (no Django models): the settings use it too, to allow the LAN address as a host.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local or ip.is_multicast)


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks, the one with the default route first. Works
    without internet: no packet is sent (a UDP socket only picks its route)."""
    found: list[str] = []
    for probe in ("192.0.2.1", "10.255.255.255", "172.31.255.255", "192.168.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                address = s.getsockname()[0]
        except OSError:
            continue
        if _usable(address) and address not in found:
            found.append(address)
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    for info in infos:
        address = info[4][0]
        if _usable(address) and address not in found:
            found.append(address)
    return found


def is_loopback_host(host: str) -> bool:
    """Whether a Host header names this machine only (localhost, 127.0.0.1, ::1), with or without port."""
    name = urlsplit(f"//{host}").hostname or ""
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def room_base_url(*, scheme: str, host: str, configured: str = "", addresses: list[str] | None = None) -> str:
    """Where phones reach this server: `configured` (the WORKSHOP_URL setting) when given; else the
    address the browser used, unless that is this machine only, then its LAN address with the same port.
    Empty when the server is reachable on no network (the page says so)."""
    if configured:
        return configured.rstrip("/")
    if not is_loopback_host(host):
        return f"{scheme}://{host}"
    port = urlsplit(f"//{host}").port
    lan = lan_addresses() if addresses is None else addresses
    if not lan:
        return ""
    return f"{scheme}://{lan[0]}{f':{port}' if port else ''}"
