"""Logging: `LOG_LEVEL` (INFO), plain lines or one JSON object a line
(`TREMPLIN_LOG_FORMAT=json`, for journald or a collector). The job scheduler's routine lines
("Running job…", "executed successfully", thousands a day) only show at DEBUG."""

from __future__ import annotations

import json
import logging

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    root = logging.getLogger()
    root.setLevel(level)
    formatter = JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)
    if not root.handlers:
        logging.basicConfig(level=level)
    for handler in root.handlers:
        handler.setFormatter(formatter)
    logging.getLogger("apscheduler").setLevel(
        logging.DEBUG if level == "DEBUG" else logging.WARNING
    )
