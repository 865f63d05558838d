"""The ``modern`` profile: today's kubelet, node lifecycle controller, taint eviction and PodGC.

Its own shape (:mod:`.shape`), phase function (:mod:`.phase`, the kubelet's
``getPhase``) and semantics (:mod:`.semantics`), written over ``Ops`` like the
seed profile so every engine consumes the same definition.
"""
