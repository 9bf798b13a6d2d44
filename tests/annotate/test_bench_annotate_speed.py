"""annotate-speed runs end to end on a few texts (timings are the benchmark's, never asserted)."""

from __future__ import annotations

from crisol.bench import annotate_speed


def test_measure_reports_both_systems(tmp_path):
    texts = [
        "El ministro viajó a Pionyang el martes.",
        "La OTAN se reunió en Bruselas.",
        "Kim Jong-un recibió a Serguéi Shoigú.",
        "Moscú y Pekín firmaron un acuerdo.",
    ]
    path = tmp_path / "texts.jsonl"
    path.write_text("\n".join(f'{{"Text": "{t}"}}' for t in texts), encoding="utf-8")
    items = list(annotate_speed.read_texts([path]))
    assert [t for _, t in items] == texts
    result = annotate_speed.measure([t for _, t in items])
    assert result["words"] == sum(len(t.split()) for t in texts)
    assert result["bare_wps_cpu"] > 0 and result["annotate_wps_cpu"] > 0
