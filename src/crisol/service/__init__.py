"""The service layer: what the faces (CLI, REST API, web, watch) call.

It composes the stages over the store, so the faces stay thin and the stages stay pure:

- :mod:`crisol.service.runner`: the one ingest path (read → clean → annotate → store → link →
  index) in batches, for files, API bodies and fetched pages;
- :mod:`crisol.service.linking`: linking stored articles (registry, duplicates, stories);
- :mod:`crisol.service.views`: story views, presented on first read and stored;
- :mod:`crisol.service.events`: events across sources over the store;
- :mod:`crisol.service.exports`: events in their GDELT-like CSV layouts (standard library only);
- :mod:`crisol.service.entities`: looking an entity up by id, prefix or name, the actor filter;
- :mod:`crisol.service.analyze`: analysing an input without storing it, aligning two articles;
- :mod:`crisol.service.search`: search hits in their JSON shape;
- :mod:`crisol.service.library`: the Python API (``crisol.analyze``, ``crisol.open``).
"""
