"""The local Bot API over real HTTP, for subprocess tests (`python -m bot run`)."""

from __future__ import annotations

import json
import logging
import threading
import time
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from localapi.api import LocalBotApi
from localapi.errors import BotApiError, _bad_request
from localapi.messages import UploadedFile

_LOGGER = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------------------------


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Parameters of a Bot API request body (JSON, url-encoded form or multipart form)."""
    if not body:
        return {}
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/json":
        parsed = json.loads(body.decode("utf-8"))
        if not isinstance(parsed, dict):
            raise _bad_request("wrong JSON body")
        return parsed
    if mime == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            decoded = part.get_payload(decode=True)  # bytes, or None for an empty part
            payload = decoded if isinstance(decoded, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                params[str(name)] = UploadedFile(filename, payload, part.get_content_type())
            else:
                params[str(name)] = payload.decode("utf-8")
        return params
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: a bot opening dozens of connections at once would
    # see most of them refused and retried a second later, which Telegram never does.
    request_queue_size = 256
    daemon_threads = True


class LocalBotApiServer:
    """Serves a :class:`LocalBotApi` over real HTTP (``/bot<token>/<method>``) on localhost."""

    def __init__(
        self, api: LocalBotApi, host: str = "127.0.0.1", port: int = 0, *, delay: float = 0.0
    ) -> None:
        """`delay`: seconds every call takes, as a round trip to Telegram would (half on the
        way there, half on the way back; the benchmark's default is 50 ms)."""
        self.api = api
        self.delay = delay
        api.queue_updates = True
        self._server = _Server((host, port), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The TCP port actually listened on."""
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """The address actually listened on (a str for an IPv4 or IPv6 server)."""
        host = self._server.server_address[0]
        return host if isinstance(host, str) else bytes(host).decode()

    @property
    def url(self) -> str:
        """Base URL for PTB's ``base_url`` (the token is appended to it)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """Base URL for PTB's ``base_file_url``."""
        return f"http://{self.host}:{self.port}/file/bot"

    def start(self) -> LocalBotApiServer:
        """Serve in a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="LocalBotApiServer", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (wakes pending long polls first)."""
        self.api.interrupt_waiters()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalBotApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self.api
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                _LOGGER.debug("bot api: " + format, *args)

            def _reply(self, code: int, body: bytes, content_type: str) -> None:
                if server.delay:
                    time.sleep(server.delay / 2)  # the answer on its way back
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a long poll cancelled on shutdown): nothing to tell.
                    self.close_connection = True

            def _json(self, code: int, body: dict[str, Any]) -> None:
                self._reply(code, json.dumps(body).encode(), "application/json")

            def _serve(self) -> None:
                if server.delay:
                    time.sleep(server.delay / 2)  # the request on its way
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                try:
                    if parts.path.startswith("/file/bot"):
                        file_path = parts.path.split("/file/bot", 1)[1].split("/", 1)[-1]
                        data = api.file_content(unquote(file_path))
                        self._reply(200, data, "application/octet-stream")
                        return
                    segments = parts.path.strip("/").split("/")
                    if len(segments) != 2 or not segments[0].startswith("bot"):
                        raise BotApiError(404, "Not Found")
                    params: dict[str, Any] = dict(parse_qsl(parts.query))
                    params.update(_parse_body(self.headers.get("Content-Type", ""), body))
                    result = api.handle(segments[1], params, max_wait=10.0)
                except BotApiError as exc:
                    self._json(exc.code, exc.to_json())
                except Exception:  # the server must answer something, like Telegram's 500
                    _LOGGER.exception("local Bot API failed on %s", self.path)
                    self._json(
                        500,
                        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
                    )
                else:
                    self._json(200, {"ok": True, "result": result})

            do_GET = _serve  # http.server dispatches on these names
            do_POST = _serve

        return Handler
