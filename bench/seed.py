"""A database of many applications (realistic answers, states, referrers, dates over three
years), and the staff queries timed on it."""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core import i18n
from bot.core.dialogs import load_dialogs
from bot.core.services import Services
from bot.core.settings import load_settings
from bot.core.store import iso
from bot.staff import export, stats
from bot.staff.notice import card
from bot.staff.store import QueueFilter
from bot.store import Store

FIRST_NAMES = (
    "Awa",
    "Binta",
    "Karim",
    "Moussa",
    "Fatou",
    "Yacine",
    "Nadia",
    "Sofiane",
    "Mariam",
    "Ibrahima",
    "Leïla",
    "Omar",
    "Aminata",
    "Jean",
    "Sarah",
    "Mehdi",
)
LAST_NAMES = (
    "Diallo",
    "Traoré",
    "Benali",
    "Nguyen",
    "Martin",
    "Cissé",
    "Haddad",
    "Koné",
    "Bernard",
    "Diop",
    "Petit",
    "Sow",
    "Camara",
    "Da Silva",
    "Lopez",
    "Kaci",
)
STATES = (
    ("nouvelle", 15),
    ("a_l_etude", 10),
    ("entretien", 10),
    ("acceptee", 20),
    ("refusee", 25),
    ("en_attente", 10),
    ("annulee", 10),
)
WORKSHOPS = ("hotellerie", "bois", "metallerie", "carton", "stockage")
VERDICTS = ("probable", "a_confirmer", "pas_pour_vous")
SOURCES = (
    None,
    None,
    None,
    "ft-auber01",
    "ml-auber02",
    "plie-9303",
    "capemploi4",
    "mdph93-005",
    "asso-relai6",
)
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def seed_applications(path: Path, count: int, *, seed: int = 93300) -> Services:
    """`count` filed applications spread over three years, in one transaction."""
    rng = random.Random(seed)
    store = Store.open(path, clock=lambda: NOW)
    states = [s for s, weight in STATES for _ in range(weight)]
    users, applications, events = [], [], []
    for number in range(1, count + 1):
        filed = NOW - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        state = rng.choice(states)
        workshops = rng.sample(WORKSHOPS, rng.randint(1, 3))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        answers = {
            "accord": "oui",
            "age": rng.choice(["16_25", "26_49", "50plus"]),
            "droit_travail": "oui",
            "accord_aides": "oui",
            "rsa": rng.choice(["oui", "non"]),
            "inscrit_ft": "oui",
            "francais": "bien",
            "mobilite": "oui",
            "code_postal": "93300",
            "ateliers": workshops,
            "disponible": "tout_de_suite",
            "prenom": first,
            "nom": last,
            "telephone": f"+3361{number:07d}",
        }
        users.append({"id": 10_000_000 + number, "created_at": iso(filed)})
        applications.append(
            {
                "id": number,
                "user_id": 10_000_000 + number,
                "reference": f"IS-{filed.year}-{number:06d}",
                "state": state,
                "answers": json.dumps(answers, ensure_ascii=False),
                "criteria": json.dumps({"rsa": "rempli"} if answers["rsa"] == "oui" else {}),
                "verdict": rng.choice(VERDICTS),
                "workshops": json.dumps(workshops),
                "first_name": first,
                "last_name": last,
                "phone": answers["telephone"],
                "email": None,
                "source": rng.choice(SOURCES),
                "consent_at": iso(filed),
                "created_at": iso(filed - timedelta(minutes=6)),
                "updated_at": iso(filed),
                "filed_at": iso(filed),
                "last_contact_at": iso(filed),
            }
        )
        events.append(
            {
                "at": iso(filed),
                "actor": "candidate",
                "action": "filed",
                "application_id": number,
                "from_state": "brouillon",
                "to_state": "nouvelle",
            }
        )
    with store.db.atomic():
        store.db["users"].insert_all(users, batch_size=2000)
        store.db["applications"].insert_all(applications, batch_size=2000)
        store.db["events"].insert_all(events, batch_size=2000)
    store.db.execute("ANALYZE")
    settings = replace(load_settings({}), database=path)
    i18n.setup(settings.locales_dir, timezone=settings.timezone)
    return Services(
        settings=settings,
        store=store,
        dialogs=load_dialogs(settings.dialogs_dir),
        clock=lambda: NOW,
    )


def _ms(action: Callable[[], Any], repeat: int = 5) -> float:
    """The median of `repeat` runs, in milliseconds."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)


def time_staff_queries(svc: Services) -> dict[str, float]:
    """Each staff screen's queries, as /file, /dossier, /cherche, /stats and /export run them."""
    store = svc.store
    some = store.application_by_reference(
        store.db.execute(
            "SELECT reference FROM applications ORDER BY id LIMIT 1 "
            "OFFSET (SELECT count(*) / 2 FROM applications)"
        ).fetchone()[0]
    )
    assert some is not None
    results = {
        "queue_open": _ms(lambda: store.staff_queue(QueueFilter())),
        "queue_page_50": _ms(lambda: store.staff_queue(QueueFilter(), offset=400)),
        "queue_state_nouvelle": _ms(lambda: store.staff_queue(QueueFilter(states=("nouvelle",)))),
        "queue_state_refusee": _ms(lambda: store.staff_queue(QueueFilter(states=("refusee",)))),
        "queue_workshop": _ms(lambda: store.staff_queue(QueueFilter(workshop="carton"))),
        "queue_verdict": _ms(lambda: store.staff_queue(QueueFilter(verdict="pas_pour_vous"))),
        "queue_referrer": _ms(lambda: store.staff_queue(QueueFilter(source="mdph93-005"))),
        "queue_sources": _ms(lambda: store.queue_sources()),
        "card": _ms(lambda: card(svc, store.application_by_reference(some.reference or ""))),
        "search_name": _ms(lambda: store.search_applications("Diallo")),
        "search_full_name": _ms(lambda: store.search_applications("Awa Traoré")),
        "stats": _ms(lambda: stats.collect(svc), repeat=3),
        "export_rows": _ms(lambda: export.table(svc), repeat=1),
        "export_xlsx": _ms(lambda: export.build(svc, "xlsx"), repeat=1),
    }
    store.close()
    return results
