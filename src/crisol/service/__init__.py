"""The service layer: what the faces (CLI, REST API, web, watch) call.

It composes the stages over the store, so the faces stay thin and the stages stay pure:

- :mod:`crisol.service.runner`: the one ingest path (read → clean → annotate → store → link →
  index) in batches, for files, API bodies and fetched pages;
- :mod:`crisol.service.linking`: linking stored articles (registry, duplicates, stories);
- :mod:`crisol.service.views`: story views, presented on first read and stored;
- :mod:`crisol.service.events`: events across sources over the store, and their CSV layout;
- :mod:`crisol.service.entities`: looking an entity up by id, prefix or name.
"""
