"""Batch processing beyond one machine: inputs → analysed articles → a Parquet archive.

- :mod:`crisol.batch.schema`: the archive's one fixed Arrow schema and the loss-free round trip
  of an :class:`~crisol.model.Article` (with its linker embedding) through a row;
- :mod:`crisol.batch.process`: the engine-neutral core, a :class:`~crisol.batch.process.Processor`
  that warms the models once and turns one input into a table of that schema and a table of
  rejections, with the stages ``crisol ingest`` runs;
- :mod:`crisol.batch.archive`: the archive on disk (``date=``/``language=`` partitions, the
  manifest of finished inputs that makes a run resumable, the rejections beside it);
- :mod:`crisol.batch.engines`: the same core run in-process (``local``) or on Ray Data.

pyarrow and Ray come with the ``batch`` extra (``pip install 'crisol[batch]'``); nothing here
is imported by the rest of crisol, so the default pipeline runs without them.
"""

EXTRA_HINT = "install the batch extra: pip install 'crisol[batch]'"
