"""The orientation's pure rules: the schema's rules on one row, the department of a code,
which services are near for a need."""

from __future__ import annotations

from datetime import date

import pytest

from bot.orientation.rules import (
    Need,
    RowError,
    Service,
    choose,
    csv_rows,
    decode,
    department_of,
    encode,
    validate,
)

TODAY = date(2026, 3, 2)
GOOD = {
    "id": "fictif--1",
    "source": "fictif",
    "structure_id": "fictif--s1",
    "nom": "Service fictif",
    "description": "Un service qui n'existe pas.",
    "date_maj": "2025-01-10",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"structure_id": ""}, "structure_id: required, missing or empty"),
        ({"nom": "ab"}, "nom: must be 3 to 150 characters"),
        ({"date_maj": "2026-12-31"}, "date_maj: '2026-12-31' must be from 2000 to today"),
        ({"date_maj": "10/01/2025"}, "date_maj: '10/01/2025' is not a date (YYYY-MM-DD)"),
        ({"code_postal": "9330"}, "code_postal: '9330' must be 5 digits"),
        ({"frais": "gratuit-sous-conditions"}, "frais: 'gratuit-sous-conditions' is not a value"),
        (
            {"publics": ["tous-publics", "femmes"]},
            "publics: 'tous-publics' cannot be used with other values",
        ),
        ({"latitude": "nord"}, "latitude: must be a number, not 'nord'"),
    ],
)
def test_a_row_breaking_a_rule_of_the_schema_says_which(change: dict, reason: str) -> None:
    with pytest.raises(RowError) as refused:
        validate({**GOOD, **change}, today=TODAY)
    assert str(refused.value).startswith(reason)


def test_lists_in_a_csv_cell_and_the_line_of_each_row() -> None:
    text = (
        "id,nom,thematiques\n"
        'x,Une crèche,"famille--garde-denfants;sante--acces-aux-soins"\n'
        "y,Deux,a,b\n"
    )
    rows = list(csv_rows(text))
    assert [r.where for r in rows] == ["line 2", "line 3"]
    service = validate({**GOOD, **rows[0].raw}, today=TODAY)
    assert service.thematiques == ("famille--garde-denfants", "sante--acces-aux-soins")
    assert rows[1].error == "more cells than the header names"


def test_departments_of_postcodes_and_insee_codes() -> None:
    assert department_of("93300") == "93"
    assert department_of("97411") == "974"
    assert department_of("20000") == "2A" and department_of("20200") == "2B"
    assert department_of("2A004") == "2A"
    assert department_of("930") is None


def test_up_to_three_for_a_need_her_postcode_first_never_another_department() -> None:
    need = Need("garde_enfants", "Garde d'enfants", "", {"famille--garde-denfants": "Pour…"})
    theme = ("famille--garde-denfants",)
    services = [
        Service("a", "f", "Zèbre", theme, code_postal="93300"),
        Service("b", "f", "Abeille", theme, code_postal="93200"),
        Service("c", "f", "Castor", theme, code_postal="93000"),
        Service("d", "f", "Dauphin", theme, code_postal="93100"),
        Service("e", "f", "Éléphant", theme, code_postal="75011"),
        Service("f", "f", "Fourmi", ("sante--acces-aux-soins",), code_postal="93300"),
    ]
    assert [s.id for s in choose(services, need, "93300")] == ["a", "b", "c"]
    assert choose(services, need, "13001") == []


def test_a_dead_end_s_buttons_carry_postcode_and_choices() -> None:
    assert decode(encode("93300", 5)) == ("93300", 5)
    assert decode(encode(None, 0)) == (None, 0)
    assert decode("9330.1") is None and decode("x.a") is None
