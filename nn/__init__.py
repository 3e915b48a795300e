"""gradstep's neural networks, built on the autograd engine."""
