"""Another structure by configuration alone: `python -m bot new-structure DIR` writes a
starting folder of dialogs, `python -m bot catalogs` writes the catalogs of the texts it adds.

A deployment points `TREMPLIN_DIALOGS` at its folder. Everything that names the structure is
in its `structure.toml`; the texts say `{structure}`, `{city}`… (filled in by `_()`), so the
shipped catalogs serve every structure. The texts a structure writes itself (its workshops,
its contacts, a question it changed) go in the folder's own catalogs,
`DIR/locales/<language>/LC_MESSAGES/messages.po`, read before the shipped ones
(bot/core/i18n.py): `catalogs` writes them with every such text, keeping the translations
already written; the structure translates them, and `check` says what is left.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import write_po

from bot.core.catalogs import read_catalog
from bot.core.settings import Settings, shipped_folder

# structure.toml of a new folder: every field that names the structure is empty, each with
# what to write in it (`python -m bot check` names each one still empty).
STRUCTURE_TEMPLATE = """\
# La structure : tout ce qui la nomme est ici, et nulle part ailleurs. Les textes des autres
# fichiers y renvoient par des repères que le robot remplit :
#   {structure}  le nom (name)        {short_name}  le nom court      {city}  la ville
#   {department} le département       {postcode}    le premier code postal des boutons
#   {prefix}     le début des numéros de candidature
# Remplissez chaque champ vide, puis lancez `python -m bot check` : il dit ce qui manque.

# Le nom, tel que les candidats le lisent : « Ici, c'est {structure}, à {city}. »
name = ""
# Le nom court (l'agenda, les petites places). Vide : le nom.
short_name = ""
# La ville où les candidats viennent : « Pouvez-vous venir facilement à {city} ? »
city = ""
# L'adresse de l'accueil, avec le code postal et la ville.
address = ""
# Téléphone de l'accueil, affiché aux candidats. Laisser vide tant qu'il n'est pas connu.
phone = ""
# Les horaires de l'accueil, en une phrase (elle est traduite : `python -m bot catalogs`).
hours = ""
# Coordonnées du lieu pour l'épingle sur la carte (à vérifier sur place).
latitude = 0.0
longitude = 0.0
# Le début du numéro de chaque candidature : AB donne AB-2026-0001. 1 à 6 lettres
# majuscules ou chiffres.
reference_prefix = ""
# L'identifiant du fichier d'agenda (.ics) envoyé avec un rendez-vous. Vide : fait du nom.
calendar_id = ""
# Le fuseau horaire des dates et des heures (nom IANA). TREMPLIN_TIMEZONE passe avant.
timezone = "Europe/Paris"

# Réponse de l'équipe, en jours : dit au candidat après l'envoi.
answer_within_days = 7

# Le territoire : le département, et les codes postaux.
[area]
department = ""
department_code = ""
# Les boutons de la question « Quel est votre code postal ? » (le premier sert d'exemple) :
# au moins celui de votre ville. Par exemple : { postcode = "12345", town = "Ma Ville" },
postcodes = [
]
# Les codes postaux où se trouve au moins un quartier prioritaire (QPV), d'après
# sig.ville.gouv.fr : le critère est alors « à vérifier » par l'équipe.
qpv_postcodes = [
]

# Qui peut aider, montré à chaque fin de parcours (moins de 16 ans, pas le droit de
# travailler, « pas pour vous », candidature refusée, demande de rappel) :
#   name     le nom (traduit)
#   helps    pour quoi il ou elle aide, en mots simples (traduit)
#   address, phone, hours   comment les joindre. N'écrivez que ce qui est sûr.
# Ajoutez vos partenaires : la mission locale, la préfecture, le service social…
[[contacts]]
name = "France Travail"
helps = "Pour chercher un travail ou une formation. L'appel est gratuit."
address = ""
phone = "3949"
hours = ""
"""

WORKSHOPS_NOTE = """\
# À remplacer par vos propres ateliers (ceux-ci sont ceux de la structure livrée avec le robot).
"""


def new_structure(target: Path) -> list[str]:
    """Write a starting folder in `target` (new or empty): a copy of the shipped dialogs with
    the structure's fields emptied. Returns the lines to print."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target} already exists and is not an empty folder")
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(shipped_folder("dialogs").glob("*.toml")):
        if source.name == "structure.toml":
            (target / source.name).write_text(STRUCTURE_TEMPLATE, encoding="utf-8")
        elif source.name == "workshops.toml":
            text = source.read_text(encoding="utf-8")
            (target / source.name).write_text(WORKSHOPS_NOTE + text, encoding="utf-8")
        else:
            shutil.copyfile(source, target / source.name)
    return [
        f"A new structure's folder is ready: {target}",
        "Next:",
        f"  1. Fill in {target / 'structure.toml'} (and your workshops in workshops.toml).",
        f"  2. TREMPLIN_DIALOGS={target} python -m bot check   (says what is left to fill)",
        f"  3. TREMPLIN_DIALOGS={target} python -m bot catalogs   (the texts you added, "
        "to translate)",
    ]


def structure_texts(directory: Path) -> list[str]:
    """Every French text of a folder's dialogs (as `make locales` extracts them)."""
    texts: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        for _line, message, _comments, _context in extract_from_file(
            "bot.core.i18n:extract_toml", str(path), keywords={"_": None}
        ):
            if isinstance(message, str) and message:
                texts.append(message)
    return list(dict.fromkeys(texts))


def write_catalogs(settings: Settings) -> list[str]:
    """`TREMPLIN_DIALOGS/locales/<language>/LC_MESSAGES/messages.po` for every shipped
    language: the folder's texts the shipped catalog lacks, with the translations already
    written there kept. Returns the lines to print."""
    directory = settings.dialogs_dir
    if directory.resolve() == shipped_folder("dialogs").resolve():
        return ["The shipped dialogs use the shipped catalogs: run `make locales` instead."]
    texts = structure_texts(directory)
    lines = []
    for shipped_po in sorted(settings.locales_dir.glob("*/LC_MESSAGES/messages.po")):
        language = shipped_po.parent.parent.name
        shipped = read_catalog(shipped_po)
        own_po = directory / "locales" / language / "LC_MESSAGES" / "messages.po"
        before = read_catalog(own_po) if own_po.exists() else None
        catalog = Catalog(locale=language, project="Tremplin", fuzzy=False)
        untranslated = 0
        for text in texts:
            if shipped.get(text) is not None:
                continue  # the shipped catalog has it (staff's texts may stay French)
            old = before.get(text) if before is not None else None
            string = old.string if old is not None and isinstance(old.string, str) else ""
            catalog.add(text, string)
            untranslated += language != "fr" and not string
        own_po.parent.mkdir(parents=True, exist_ok=True)
        with own_po.open("wb") as handle:
            write_po(handle, catalog, width=76, omit_header=False)
        lines.append(
            f"{own_po}: {len(catalog)} text(s) of your own"
            + (f", {untranslated} to translate" if untranslated else "")
        )
    return lines
