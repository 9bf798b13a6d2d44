"""Duplicates, near duplicates and rewrites (crisol.link.dedup)."""

from crisol.link import dedup

WIRE = (
    "El Gobierno de Chile anunció el lunes un plan de 300 millones de dólares para reconstruir "
    "las viviendas destruidas por los incendios forestales de la región de Valparaíso. "
    "La ministra de Vivienda, Carolina Peña, explicó que las obras empezarán en marzo y darán "
    "trabajo a unas 2.000 personas de la zona. "
    "Según el Servicio Nacional de Prevención y Respuesta ante Desastres, los incendios dejaron "
    "más de 130 muertos y 15.000 viviendas dañadas. "
    "El plan incluye ayudas directas de hasta 10 millones de pesos por familia afectada. "
    "La oposición criticó el retraso del anuncio y pidió una comisión investigadora en el Congreso."
)
REWRITE = (
    "Chile destinará 300 millones de dólares a levantar de nuevo las casas arrasadas por el fuego "
    "en Valparaíso, anunció este lunes el Ejecutivo. "
    "Los trabajos comenzarán en marzo y emplearán a cerca de 2.000 vecinos de la región, detalló "
    "la ministra de Vivienda, Carolina Peña. "
    "Los incendios causaron más de 130 víctimas mortales y dañaron 15.000 viviendas, de acuerdo con "
    "el Servicio Nacional de Prevención y Respuesta ante Desastres. "
    "Cada familia afectada podrá recibir hasta 10 millones de pesos en ayudas directas. "
    "Desde la oposición se reprochó la tardanza y se reclamó una comisión investigadora."
)
OTHER = (
    "La selección argentina de rugby venció a Francia por 28 a 13 en un partido disputado en Mendoza. "
    "El apertura marcó dos ensayos en la segunda parte y fue elegido mejor jugador del encuentro. "
    "El entrenador destacó la defensa de su equipo y pidió mantener la concentración. "
    "El próximo compromiso será el sábado frente a Italia en Buenos Aires. "
    "Las entradas para ese partido se agotaron en menos de una hora."
)


def test_exact_copy_is_a_duplicate():
    index = dedup.DuplicateIndex()
    assert index.add("a", WIRE) == []
    rels = index.add("b", "  " + WIRE.upper() + " ")
    assert [(r.a, r.b, r.kind) for r in rels] == [("a", "b", "duplicate")]


def test_one_changed_sentence_is_a_near_duplicate():
    index = dedup.DuplicateIndex()
    index.add("a", WIRE)
    changed = WIRE.replace(
        "La oposición criticó el retraso del anuncio", "Los alcaldes celebraron el anuncio"
    )
    rels = index.add("b", changed)
    assert [r.kind for r in rels] == ["near-duplicate"]
    assert 0.7 <= rels[0].score < 1.0


def test_unrelated_text_is_no_duplicate():
    index = dedup.DuplicateIndex()
    index.add("a", WIRE)
    assert index.add("b", OTHER) == []


def test_reworded_wire_story_is_a_rewrite_with_aligned_sentences():
    rel = dedup.compare("a", WIRE, "b", REWRITE)
    assert rel is not None and rel.kind == "rewrite"
    assert len(rel.pairs) >= 4
    # aligned pairs keep their order and carry both texts
    assert [p.a for p in rel.pairs] == sorted(p.a for p in rel.pairs)
    assert all(p.a_text and p.b_text for p in rel.pairs)
    assert rel.to_dict()["kind"] == "rewrite"


def test_different_story_is_not_a_rewrite():
    assert dedup.compare("a", WIRE, "b", OTHER) is None


def test_without_dates_the_source_is_the_article_the_other_contains():
    # the rewrite keeps the wire story's sentences and adds context of its own
    longer = REWRITE + (
        " El anuncio llega tras semanas de protestas de los vecinos desplazados. "
        "Varias organizaciones sociales reclamaron más transparencia en la asignación de las ayudas. "
        "El Gobierno prometió publicar cada mes el avance de las obras."
    )
    for first, second in (("wire", "rw"), ("rw", "wire")):
        texts = {"wire": WIRE, "rw": longer}
        rel = dedup.compare(first, texts[first], second, texts[second])
        assert rel is not None and (rel.a, rel.b) == ("wire", "rw")
        assert len(rel.added) >= 3


def test_known_publication_order_is_kept():
    rel = dedup.compare("late", REWRITE, "early", WIRE, order_known=True)
    assert rel is not None and (rel.a, rel.b) == ("late", "early")


def test_duplicate_index_forgets_articles_older_than_its_window():
    from datetime import datetime, timedelta, timezone

    from crisol.link.dedup import DuplicateIndex

    t0 = datetime(2025, 6, 1, tzinfo=timezone.utc)
    text = (
        "El ayuntamiento abrió ayer el nuevo mercado cubierto del barrio norte, con cuarenta puestos "
        "de productores locales y un horario ampliado los fines de semana. La obra costó menos de lo "
        "previsto y terminó dos meses antes del plazo fijado en el contrato con la constructora. Los "
        "vecinos pidieron durante años un mercado propio y celebraron la apertura con una fiesta."
    )
    index = DuplicateIndex(window=timedelta(days=30))
    assert index.add("a", text, time=t0) == []
    # within the window, a near copy is found
    near = index.add("b", text.replace("una fiesta", "una verbena"), time=t0 + timedelta(days=3))
    assert [(r.a, r.kind) for r in near] == [("a", "near-duplicate")]
    # 40 days later "a" and "b" have left the index: the same text is new again
    assert (
        index.add(
            "c",
            "Otra noticia sin relación, sobre el tiempo de mañana en la costa.",
            time=t0 + timedelta(days=40),
        )
        == []
    )
    assert len(index) == 1
    assert index.add("d", text, time=t0 + timedelta(days=41)) == []
    # an undated article ages with the newest dated one
    assert [r.kind for r in index.add("e", text)] == ["duplicate"]
