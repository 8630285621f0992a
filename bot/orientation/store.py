"""The orientation's SQL: the services directory, the needs named at a dead end (counts
only), and the needs of filed applications (for /stats)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bot.core.store import StoreBase
from bot.orientation.rules import Service

_COLUMNS = (
    "id, source, nom, thematiques, adresse, code_postal, commune, code_insee, latitude, "
    "longitude, telephone, horaires_accueil, frais, publics"
)


def _service(row: tuple[object, ...]) -> Service:
    (id_, source, nom, thematiques, adresse, code_postal, commune, code_insee) = row[:8]
    latitude, longitude, telephone, horaires, frais, publics = row[8:]
    return Service(
        id=str(id_),
        source=str(source),
        nom=str(nom),
        thematiques=tuple(json.loads(str(thematiques))),
        adresse=adresse,  # type: ignore[arg-type]
        code_postal=code_postal,  # type: ignore[arg-type]
        commune=commune,  # type: ignore[arg-type]
        code_insee=code_insee,  # type: ignore[arg-type]
        latitude=latitude,  # type: ignore[arg-type]
        longitude=longitude,  # type: ignore[arg-type]
        telephone=telephone,  # type: ignore[arg-type]
        horaires_accueil=horaires,  # type: ignore[arg-type]
        frais=frais,  # type: ignore[arg-type]
        publics=tuple(json.loads(str(publics))),
    )


class OrientationStore(StoreBase):
    """The services near people, and what the needs count."""

    def import_services(self, services: Iterable[Service]) -> int:
        """Add or replace each service (by its id): one transaction."""
        now = self._now()
        count = 0
        with self.db.atomic():
            for s in services:
                self.db.execute(
                    f"INSERT OR REPLACE INTO orientation_services ({_COLUMNS}, departement, "
                    "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        s.id,
                        s.source,
                        s.nom,
                        json.dumps(list(s.thematiques)),
                        s.adresse,
                        s.code_postal,
                        s.commune,
                        s.code_insee,
                        s.latitude,
                        s.longitude,
                        s.telephone,
                        s.horaires_accueil,
                        s.frais,
                        json.dumps(list(s.publics)),
                        s.department,
                        now,
                    ],
                )
                count += 1
        return count

    def services(self) -> list[Service]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM orientation_services ORDER BY departement, code_postal, nom"
        ).fetchall()
        return [_service(tuple(row)) for row in rows]

    def services_in(self, department: str) -> list[Service]:
        """The services of one department (those near a person are among them)."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM orientation_services WHERE departement = ?", [department]
        ).fetchall()
        return [_service(tuple(row)) for row in rows]

    def count_needs_named(self, needs: list[str]) -> None:
        """A dead end's answer, counted without a name ("" for "Je préfère passer")."""
        day = self._now()[:10]
        with self.db.atomic():
            for need in needs or [""]:
                self.db.execute(
                    "INSERT INTO orientation_needs_named (day, need, n) VALUES (?, ?, 1) "
                    "ON CONFLICT(day, need) DO UPDATE SET n = n + 1",
                    [day, need],
                )

    def needs_named_at_ends(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT need, sum(n) FROM orientation_needs_named GROUP BY need"
        ).fetchall()
        return {str(row[0]): int(row[1]) for row in rows}

    def needs_of_filed(self, step_id: str) -> dict[str, int]:
        """How many filed applications named each need ("" : answered "Je préfère passer";
        not asked: not counted)."""
        rows = self.db.execute(
            "SELECT json_extract(answers, ?), count(*) FROM applications "
            "WHERE filed_at IS NOT NULL AND json_extract(answers, ?) IS NOT NULL "
            "GROUP BY 1",
            [f"$.{step_id}", f"$.{step_id}"],
        ).fetchall()
        counts: dict[str, int] = {}
        for answer, n in rows:
            try:
                value = json.loads(answer)
            except (TypeError, json.JSONDecodeError):
                value = answer  # a plain text answer: "passer"
            needs = [str(v) for v in value] if isinstance(value, list) else [""]
            for need in dict.fromkeys(needs or [""]):
                counts[need] = counts.get(need, 0) + int(n)
        return counts
