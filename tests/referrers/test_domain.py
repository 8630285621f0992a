"""Referrers' pure rules: codes, linking payloads, names, the kinds file, and the QR matrix."""

from __future__ import annotations

import tomllib

import pytest
import segno

from bot.core.settings import PROJECT_ROOT, SettingsError, load_settings
from bot.referrers import qr
from bot.referrers.rules import (
    PAYLOAD,
    clean_contact,
    clean_name,
    deep_link,
    is_payload,
    link_token,
    new_code,
    new_link_token,
    of_name,
    parse_catalog,
    short_name,
)

ARTICLES = {"mission": "la", "plie": "le", "association": "l'", "mdph": "la"}


def test_codes_are_short_unguessable_start_payloads() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert PAYLOAD.match(code) and len(code) == 10
        assert not code.startswith(("lien-", "-"))


def test_linking_tokens_fit_a_start_payload() -> None:
    token = new_link_token()
    payload = f"lien-{token}"
    assert is_payload(payload) and len(payload) <= 64
    assert link_token(payload) == token


@pytest.mark.parametrize(
    "payload", [None, "", "abc", "lien-", "lien-a b", "lien-" + "a" * 60, "x" * 65, "lien-é"]
)
def test_anything_else_is_not_a_linking_payload(payload: str | None) -> None:
    assert link_token(payload) is None


@pytest.mark.parametrize(
    ("payload", "valid"),
    [("AbC_-9", True), ("a" * 64, True), ("a" * 65, False), ("a b", False), ("é", False)],
)
def test_start_payload_rules(payload: str, valid: bool) -> None:
    assert is_payload(payload) is valid


def test_deep_link() -> None:
    assert deep_link("@tremplin_bot", "AbC") == "https://t.me/tremplin_bot?start=AbC"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mission locale d'Aubervilliers", "de la Mission locale d'Aubervilliers"),
        ("PLIE Plaine Commune", "du PLIE Plaine Commune"),
        ("France Travail Aubervilliers", "de France Travail Aubervilliers"),
        ("Emmaüs Connect", "d'Emmaüs Connect"),
        ("Association Femmes Relais", "de l'Association Femmes Relais"),
        ("Le Secours populaire", "du Secours populaire"),
        ("La Maison des solidarités", "de la Maison des solidarités"),
        ("Les Petits Frères", "des Petits Frères"),
        ("L'Îlot", "de l'Îlot"),
        ("MDPH 93", "de la MDPH 93"),
    ],
)
def test_of_name_puts_the_right_article(name: str, expected: str) -> None:
    assert of_name(name, ARTICLES) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Awa", "Diallo", "Awa D."),
        ("Awa", "n'diaye", "Awa N."),
        ("Awa", None, "Awa"),
        (None, "Diallo", "D."),
        (None, None, "?"),
    ],
)
def test_short_name_is_first_name_and_an_initial(
    first: str | None, last: str | None, expected: str
) -> None:
    assert short_name(first, last) == expected


def test_names_and_contacts_typed_by_staff() -> None:
    assert clean_name("  Mission   locale\u200b d'Aubervilliers \n") == (
        "Mission locale d'Aubervilliers"
    )
    assert clean_name("x") is None
    assert clean_name("x" * 5000) is None
    assert clean_contact("Mme Benali 01 48 00 00 00") == "Mme Benali 01 48 00 00 00"
    assert clean_contact(" ") is None
    assert clean_contact("y" * 201) is None


def test_shipped_kinds_file_is_valid_with_the_authorised_kinds() -> None:
    with (PROJECT_ROOT / "dialogs" / "referrers.toml").open("rb") as handle:
        catalog, problems = parse_catalog(tomllib.load(handle))
    assert problems == [] and catalog is not None
    assert {k.id for k in catalog.kinds} == {
        "france_travail",
        "mission_locale",
        "plie",
        "cap_emploi",
        "mdph",
        "departement",
        "association",
        "autre",
    }
    assert {k.id for k in catalog.kinds if k.diagnosis} == {
        "france_travail",
        "mission_locale",
        "cap_emploi",
        "plie",
        "departement",
    }
    assert catalog.label("mission_locale") == "Mission locale"
    assert catalog.label("disparu") == "disparu"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "at least one [[kinds]]"),
        ({"kinds": [{"id": "Bad!", "label": "x"}]}, "id 'Bad!'"),
        ({"kinds": [{"id": "a", "label": ""}]}, "label is missing"),
        ({"kinds": [{"id": "a", "label": "A", "diagnosis": "oui"}]}, "true or false"),
        ({"kinds": [{"id": "a", "label": "A", "habilite": True}]}, "unknown key(s)"),
        ({"kinds": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}, "defined twice"),
        ({"kinds": [{"id": "a", "label": "A"}], "articles": {"Mission": "une"}}, "must be one"),
        ({"kinds": [{"id": "a", "label": "A"}], "sortes": []}, "unknown table"),
    ],
)
def test_a_broken_kinds_file_is_refused_with_its_reason(data: dict, expected: str) -> None:
    catalog, problems = parse_catalog(data)
    assert catalog is None
    assert any(expected in p for p in problems), problems


def test_qr_png_reads_back_to_the_matrix_segno_encodes() -> None:
    link = deep_link("tremplin_test_bot", "AbCdEf_-12")
    expected = [[bool(m) for m in row] for row in segno.make_qr(link, error="m").matrix]
    assert qr.read_matrix(qr.png(link)) == expected
    assert qr.read_matrix(qr.png(link, scale=3, border=1)) == expected
    other = deep_link("tremplin_test_bot", "AbCdEf_-13")
    assert qr.read_matrix(qr.png(link)) != qr.matrix(other)


def test_read_matrix_refuses_what_is_not_a_qr_png() -> None:
    with pytest.raises(ValueError):
        qr.read_matrix(b"GIF89a")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("@Tremplin_IS_bot", "Tremplin_IS_bot"), ("tremplin_bot", "tremplin_bot")],
)
def test_bot_username_setting(value: str, expected: str) -> None:
    assert load_settings({"TREMPLIN_BOT_USERNAME": value}).bot_username == expected


@pytest.mark.parametrize("value", ["abc", "tremplin bot", "9tremplin", "trèmplin_bot", "x" * 33])
def test_a_malformed_bot_username_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="TREMPLIN_BOT_USERNAME"):
        load_settings({"TREMPLIN_BOT_USERNAME": value})
