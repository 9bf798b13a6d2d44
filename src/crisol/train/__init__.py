"""Training crisol's own models (``crisol train ...``). Needs the optional ``train`` extra (PyTorch).

PyTorch is imported only here and only when a command trains: running crisol never needs it.
"""
