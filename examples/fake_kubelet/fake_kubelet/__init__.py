"""A tiny kubelet of the 2015 pod lifecycle, written without kubelife, and its kubelife adapter."""
