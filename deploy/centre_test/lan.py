"""The centre's private LAN: a bridge in a network namespace of its own, and one namespace per
machine joined to it by a veth pair. Nothing in the host's own namespace routes to it, and it has
no way out: the machines reach each other and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from .host import sh

SUBNET = "10.77.0"


@dataclass
class Lan:
    run_id: str
    hosts: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (netns, port)

    @property
    def bridge_ns(self) -> str:
        return f"mct-{self.run_id}-lan"

    def netns(self, name: str) -> str:
        return f"mct-{self.run_id}-{name}"

    def create(self) -> None:
        sh(["ip", "netns", "add", self.bridge_ns])
        sh(["ip", "-n", self.bridge_ns, "link", "add", "br0", "type", "bridge"])
        sh(["ip", "-n", self.bridge_ns, "link", "set", "br0", "up"])

    def add_host(self, name: str, last_octet: int) -> str:
        """A namespace for machine ``name`` at 10.77.0.<last_octet>/24; returns its path."""
        ns = self.netns(name)
        port = f"v{self.run_id[:6]}{last_octet}"[:15]
        sh(["ip", "netns", "add", ns])
        sh(["ip", "link", "add", port, "netns", self.bridge_ns, "type", "veth", "peer", "name",
            "eth0", "netns", ns])
        sh(["ip", "-n", self.bridge_ns, "link", "set", port, "master", "br0", "up"])
        sh(["ip", "-n", ns, "addr", "add", f"{SUBNET}.{last_octet}/24", "dev", "eth0"])
        sh(["ip", "-n", ns, "link", "set", "eth0", "up"])
        sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        self.hosts[name] = (ns, port)
        return f"/run/netns/{ns}"

    @staticmethod
    def address(last_octet: int) -> str:
        return f"{SUBNET}.{last_octet}"

    def unplug(self, name: str) -> None:
        """Pull machine ``name``'s cable out of the switch."""
        sh(["ip", "-n", self.bridge_ns, "link", "set", self.hosts[name][1], "down"])

    def plug(self, name: str) -> None:
        sh(["ip", "-n", self.bridge_ns, "link", "set", self.hosts[name][1], "up"])

    def destroy(self) -> None:
        """Remove every namespace this LAN made (the veth pairs go with them)."""
        for ns, _ in self.hosts.values():
            sh(["ip", "netns", "delete", ns], check=False, quiet=True)
        sh(["ip", "netns", "delete", self.bridge_ns], check=False, quiet=True)
        self.hosts.clear()


def leftover_namespaces() -> list[str]:
    """Namespaces an earlier run left behind (killed before it could clean up)."""
    r = sh(["ip", "netns", "list"], check=False, quiet=True)
    return [line.split()[0] for line in r.stdout.splitlines() if line.startswith("mct-")]
