"""Bounds of a run, kept apart from the semantics (the MC.cfg of TLA+).

A :class:`Config` fixes the number of nodes, the pod slots with their
restart policy, container count and ownership, the replication controller's
replica count and the restart-count cap.  Named presets live in
:mod:`kubelife.profiles` (each profile has its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubelife.model.k8s.types import Policy

__all__ = ["SlotSpec", "Config", "ConfigError"]


class ConfigError(ValueError):
    """A configuration value out of range; the message is one sentence for the user."""


@dataclass(frozen=True)
class SlotSpec:
    """A pod slot: the pod it holds always has this policy, size and ownership.

    ``initial`` pods exist in the initial state; ``controlled`` slots are the
    ones the replication controller fills.
    """

    policy: Policy = Policy.ALWAYS
    containers: int = 1
    controlled: bool = True
    initial: bool = False
    # Options a profile reads only if it declares them (``Profile.slot_options``): regular init
    # containers, restartable init containers (sidecars), and a per-container restartPolicy for
    # the main containers (empty = every container follows the pod's policy).
    inits: int = 0
    sidecars: int = 0
    container_policies: tuple[Policy | None, ...] = ()
    # Environment events that multiply the state space; off unless a slot asks.
    user_deletes: bool = False  # a user may delete the pod (graceful) and force-delete it
    image_pull_errors: bool = False  # ErrImagePull / ImagePullBackOff before a first start
    unknown_exits: bool = False  # the runtime loses a running container (ContainerStatusUnknown)
    admission_rejects: bool = False  # the kubelet rejects the pod at admission (Failed, no DisruptionTarget)
    storage_evictions: bool = False  # the kubelet evicts the pod for its ephemeral storage (Failed, Evicted)
    sandbox_restarts: bool = False  # the pod's sandbox is recreated: init containers run again
    # Clients and administrators (issue 21): the Eviction API (kubectl drain, autoscaler,
    # descheduler), scheduler preemption, deletion with any grace period including --force
    # --grace-period=0 on a healthy node, and the kubelet's node-pressure eviction of this pod.
    evictions: bool = False
    preemptions: bool = False
    force_deletes: bool = False
    pressure_evictions: bool = False


@dataclass(frozen=True)
class Config:
    nodes: int
    slots: tuple[SlotSpec, ...]
    replicas: int = 0
    restart_cap: int = 1
    # The profile's name; empty means the registry's default profile (kubelife.profiles), which
    # fills it in when it builds the model.
    profile: str = ""
    name: str = field(default="", compare=False)
    # Kubernetes version (minor, "1.33") and feature-gate overrides the profile's semantics follows;
    # empty: the profile's default version with its default gates.  Profiles declare which they model.
    kubernetes: str = ""
    gates: tuple[tuple[str, bool], ...] = ()
    # Node-level client events (issue 21), off unless asked: kubectl cordon/uncordon, and the
    # kubelet's graceful node shutdown.  A PodDisruptionBudget over the controlled pods:
    # ``pdb_min_available`` (0 = no budget) and ``pdb_others``, covered pods outside the model
    # that are counted healthy (the oracle's one-pod models stand for the rest of a workload).
    cordons: bool = False
    node_shutdowns: bool = False
    pdb_min_available: int = 0
    pdb_others: int = 0

    def __post_init__(self) -> None:
        if self.nodes < 1:
            raise ConfigError(f"--nodes {self.nodes} is out of range; give a whole number from 1 to 8.")
        if self.nodes > 8:
            raise ConfigError(f"--nodes {self.nodes} is out of range; give a whole number from 1 to 8.")
        if not 1 <= len(self.slots) <= 12:
            raise ConfigError(f"--slots {len(self.slots)} is out of range; give a whole number from 1 to 12.")
        if self.replicas < 0:
            raise ConfigError(f"--replicas {self.replicas} is negative; give a whole number from 0 up.")
        if self.restart_cap < 0:
            raise ConfigError(f"--restart-cap {self.restart_cap} is negative; give a whole number from 0 up.")
        if not 0 <= self.pdb_min_available <= 12 or not 0 <= self.pdb_others <= 12:
            raise ConfigError(f"pdb_min_available {self.pdb_min_available} / pdb_others {self.pdb_others} is out of "
                              "range; give whole numbers from 0 to 12.")
        for s in self.slots:
            if not 1 <= s.containers <= 6:
                raise ConfigError(
                    f"--containers {s.containers} is out of range; give a whole number from 1 to 6."
                )
        for s in self.slots:
            if not (0 <= s.inits <= 3 and 0 <= s.sidecars <= 2):
                raise ConfigError(
                    f"--inits {s.inits} / --sidecars {s.sidecars} is out of range; give 0-3 init containers "
                    "and 0-2 sidecars."
                )
            if s.container_policies and len(s.container_policies) != s.containers:
                raise ConfigError(
                    f"{len(s.container_policies)} container policies for {s.containers} containers; give one "
                    "per container or none."
                )

    @classmethod
    def uniform(
        cls,
        *,
        nodes: int = 1,
        slots: int = 2,
        replicas: int = 1,
        containers: int = 1,
        policy: Policy = Policy.ALWAYS,
        restart_cap: int = 1,
        profile: str = "",
        name: str = "",
        inits: int = 0,
        sidecars: int = 0,
    ) -> Config:
        """The CLI's single configuration: every slot controlled, none filled at the start."""
        if slots < 1 or slots > 12:
            raise ConfigError(f"--slots {slots} is out of range; give a whole number from 1 to 12.")
        spec = SlotSpec(policy=policy, containers=containers, controlled=True, initial=False,
                        inits=inits, sidecars=sidecars)
        return cls(nodes, (spec,) * slots, replicas, restart_cap, profile, name)

    def describe_version(self) -> str:
        """`` kubernetes=1.29 gates=A=false`` when the configuration sets them, else empty."""
        out = f" kubernetes={self.kubernetes}" if self.kubernetes else ""
        if self.gates:
            out += " gates=" + ",".join(f"{g}={str(v).lower()}" for g, v in self.gates)
        return out

    def describe(self, options: bool = False) -> str:
        """The name, or the bounds; ``options``: also init containers, sidecars and the profile."""
        if self.name:
            return self.name + self.describe_version()
        pols = sorted({s.policy.label for s in self.slots})
        cs = sorted({s.containers for s in self.slots})
        extra = ""
        if options:
            ins = sorted({s.inits for s in self.slots})
            sides = sorted({s.sidecars for s in self.slots})
            extra = f" inits={'/'.join(map(str, ins))} sidecars={'/'.join(map(str, sides))} profile={self.profile}"
        extra += self.describe_version()
        return (
            f"nodes={self.nodes} slots={len(self.slots)} replicas={self.replicas} "
            f"containers={'/'.join(map(str, cs))} policy={'/'.join(pols)} cap={self.restart_cap}{extra}"
        )
