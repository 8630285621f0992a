"""python-telegram-bot's side: a BaseRequest answering from a LocalBotApi."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from localapi.api import LocalBotApi
from localapi.errors import BotApiError
from localapi.messages import UploadedFile

# --------------------------------------------------------------------------------------------
# python-telegram-bot request adapter
# --------------------------------------------------------------------------------------------


class LocalRequest(BaseRequest):
    """A :class:`telegram.request.BaseRequest` answering from a :class:`LocalBotApi`."""

    def __init__(self, api: LocalBotApi, *, max_poll_wait: float = 1.0, delay: float = 0.0) -> None:
        self.api = api
        self.max_poll_wait = max_poll_wait
        self.delay = delay  # seconds each call takes, as a round trip to Telegram would

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (only used by PTB to compute polling timeouts)."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Release a getUpdates call that may still be waiting in a worker thread."""
        self.api.interrupt_waiters()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Run the method named by the last path segment of ``url`` against the local API."""
        path = urlsplit(url).path
        if "/file/bot" in path:
            file_path = path.split("/file/bot", 1)[1].split("/", 1)[-1]
            try:
                return 200, self.api.file_content(unquote(file_path))
            except BotApiError as exc:
                return exc.code, json.dumps(exc.to_json()).encode()
        api_method = path.rsplit("/", 1)[-1]
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.api.network_faults.get(api_method.lower(), 0) > 0:
            # As if the network dropped the request: PTB sees a timeout, Telegram saw nothing.
            self.api.network_faults[api_method.lower()] -= 1
            raise TimedOut("local network fault")
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            # InputFiles are not in ``parameters`` (their value is None or "attach://name");
            # their bytes are in ``multipart_data`` under the parameter or attach name.
            for name, (filename, content, mime_type) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                params[name] = UploadedFile(filename, data, mime_type)
        try:
            if api_method.lower() == "getupdates" and float(params.get("timeout") or 0) > 0:
                # Long polling blocks: keep it off the event loop.
                result = await asyncio.to_thread(
                    self.api.handle, api_method, params, max_wait=self.max_poll_wait
                )
            else:
                result = self.api.handle(api_method, params)
        except BotApiError as exc:
            return exc.code, json.dumps(exc.to_json()).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()
