"""One router per resource; :func:`crisol.api.create_app` includes them all."""
