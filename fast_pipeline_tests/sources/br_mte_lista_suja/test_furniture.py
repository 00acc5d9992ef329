"""Page furniture is known by its shape: reworded footers pass, prose and lone capitals do not."""

from __future__ import annotations

import pytest

from fast_pipeline.sources.br_mte_lista_suja.furniture import furniture_lines, is_furniture


@pytest.mark.parametrize(
    "text",
    [
        "DENÚNCIAS DE TRABALHO ANÁLOGO À ESCRAVIDÃO https://ipe.sit.trabalho.gov.br",
        "DENÚNCIAS DE TRABALHO ANÁLOGO AO DE ESCRAVO\nhttps://ipe.sit.trabalho.gov.br",
        "https://ipe.sit.trabalho.gov.br",
        "DISQUE 100 - WWW.GOV.BR/MDH",
        "Página 48 de 56",
        "Page 3 of 9",
        "3/9",
        "- 3 -",
        "xrLabelNumeracaoPagina",
    ],
)
def test_furniture_shapes(text):
    assert is_furniture(text)


@pytest.mark.parametrize(
    "text",
    [
        "Denúncias em https://ipe.sit.trabalho.gov.br",  # a sentence, not a slogan
        "DENÚNCIAS DE TRABALHO ANÁLOGO AO DE ESCRAVO",  # capitals alone may be a heading
        "Página 48",
        "(*1) Inclusão em cumprimento à decisão judicial https://pje.trt.jus.br",
        "",
    ],
)
def test_not_furniture(text):
    assert not is_furniture(text)


def test_a_slogan_split_from_its_link_goes_with_it():
    """The TXT export prints the slogan and the URL on two lines; a row between them breaks the pair."""
    slogan, link = "DENÚNCIAS DE TRABALHO ANÁLOGO AO DE ESCRAVO", "https://ipe.sit.trabalho.gov.br"
    assert furniture_lines(["1) Decisão liminar", slogan, link]) == {1, 2}
    assert furniture_lines([slogan, None, link]) == {2}
    assert furniture_lines(["Empregador incluído por decisão", link]) == {1}
