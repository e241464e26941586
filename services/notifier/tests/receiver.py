"""A webhook receiver and fakes of the robot and SMS APIs on loopback (uvicorn), for the channel
tests."""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import uvicorn
from fastapi import FastAPI, Request, Response

from conftest import free_port


@dataclass
class Receiver:
    """A webhook receiver on loopback that verifies every call's signature on its own (the
    receiver's side of the contract, written independently of the notifier's code)."""

    url: str
    secrets: dict[str, str] = field(default_factory=dict)  # path -> secret
    fail_first: dict[str, int] = field(default_factory=dict)  # path -> failures before 200
    slow: set[str] = field(default_factory=set)
    slow_seconds: float = 3.0
    calls: list[dict[str, Any]] = field(default_factory=list)
    accepted: dict[str, list[str]] = field(default_factory=dict)  # path -> idempotency keys

    def verified(self, path: str, timestamp: str, body: bytes, signature: str) -> bool:
        mac = hmac.new(self.secrets[path].encode(), timestamp.encode() + b"." + body, "sha256")
        return hmac.compare_digest(f"v1={mac.hexdigest()}", signature)


def _receiver_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/{path}")
    async def hook(path: str, request: Request) -> Response:
        body = await request.body()
        headers = request.headers
        ok = receiver.verified(path, headers["x-wuyi-timestamp"], body, headers["x-wuyi-signature"])
        key = headers["idempotency-key"]
        receiver.calls.append(
            {
                "path": path,
                "verified": ok,
                "key": key,
                "body": body,
                "traceparent": headers.get("traceparent"),
            }
        )
        if path in receiver.slow:
            await asyncio.sleep(receiver.slow_seconds)
        if not ok:
            return Response(status_code=401)
        if receiver.fail_first.get(path, 0) > 0:
            receiver.fail_first[path] -= 1
            return Response(status_code=503)
        seen = receiver.accepted.setdefault(path, [])
        if key not in seen:  # the receiver settles a repeated delivery by its key
            seen.append(key)
        return Response(status_code=204)

    return app


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    port = free_port()
    receiver = Receiver(f"http://127.0.0.1:{port}")
    async with _serving(_receiver_app(receiver), port):
        yield receiver


@dataclass
class Robots:
    """Loopback fakes of the WeCom and DingTalk robot APIs: the request formats they take,
    DingTalk's signed URL checked as DingTalk documents it, and error codes on demand."""

    url: str
    dingtalk_secret: str = "SECfake-dingtalk-robot-secret"
    answers: dict[str, list[int]] = field(default_factory=dict)  # vendor -> errcodes to answer
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # accepted bodies
    calls: int = 0

    def signed(self, timestamp: str, sign: str) -> bool:
        text = f"{timestamp}\n{self.dingtalk_secret}".encode()
        mac = hmac.new(self.dingtalk_secret.encode(), text, "sha256").digest()
        return hmac.compare_digest(base64.b64encode(mac).decode(), sign)

    def answer(self, vendor: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        queued = self.answers.get(vendor) or [0]
        code = queued.pop(0) if self.answers.get(vendor) else 0
        if code == 0:
            self.messages.setdefault(vendor, []).append(body)
        return {"errcode": code, "errmsg": "ok" if code == 0 else "fake error"}


def _robots_app(robots: Robots) -> FastAPI:
    app = FastAPI()

    @app.post("/cgi-bin/webhook/send")
    async def wecom(key: str, request: Request) -> dict[str, Any]:
        body = await request.json()
        if key != "wecom-key" or body.get("msgtype") != "markdown":
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        return robots.answer("wecom", body)

    @app.post("/robot/send")
    async def dingtalk(
        access_token: str, request: Request, timestamp: str = "", sign: str = ""
    ) -> dict[str, Any]:
        body = await request.json()
        if not robots.signed(timestamp, sign):
            return {"errcode": 310000, "errmsg": "sign not match"}
        if body.get("msgtype") != "markdown" or not body["markdown"].get("title"):
            return {"errcode": 40035, "errmsg": "bad message"}
        return robots.answer("dingtalk", body)

    return app


@asynccontextmanager
async def robot_fakes() -> AsyncIterator[Robots]:
    port = free_port()
    robots = Robots(f"http://127.0.0.1:{port}")
    async with _serving(_robots_app(robots), port):
        yield robots


@dataclass
class AliyunSms:
    """A loopback fake of Alibaba Cloud's SendSms (dysmsapi 2017-05-25, RPC style). It checks the
    request as Alibaba documents it, written apart from the notifier's code: the common
    parameters, a fresh SignatureNonce, and the signature recomputed the way the document
    describes for Java's URLEncoder (then ``+`` → ``%20``, ``*`` → ``%2A``, ``%7E`` → ``~``)."""

    url: str
    access_key_id: str = "LTAI-fake-key-id"
    access_key_secret: str = "fake-access-key-secret"
    answers: list[str] = field(default_factory=list)  # Codes to answer, in turn; then "OK"
    accepted: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)

    @staticmethod
    def _encode(text: str) -> str:
        return quote_plus(text, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")

    def signed(self, form: dict[str, str], method: str) -> bool:
        params = {k: v for k, v in form.items() if k != "Signature"}
        query = "&".join(f"{self._encode(k)}={self._encode(params[k])}" for k in sorted(params))
        text = f"{method}&{self._encode('/')}&{self._encode(query)}"
        key = f"{self.access_key_secret}&".encode()
        mac = hmac.new(key, text.encode(), "sha1").digest()
        return hmac.compare_digest(base64.b64encode(mac).decode(), form.get("Signature", ""))

    def answer(self, form: dict[str, str], method: str) -> tuple[int, dict[str, str]]:
        code, status = "OK", 200
        common = {
            "Action": "SendSms",
            "Version": "2017-05-25",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "Format": "JSON",
        }
        if any(form.get(k) != v for k, v in common.items()):
            code, status = "MissingParameter", 400
        elif form.get("AccessKeyId") != self.access_key_id:
            code, status = "InvalidAccessKeyId.NotFound", 404
        elif not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", form.get("Timestamp", "")):
            code, status = "InvalidTimeStamp.Format", 400
        elif form.get("SignatureNonce", "") in self.nonces:
            code, status = "SignatureNonceUsed", 400
        elif not self.signed(form, method):
            code, status = "SignatureDoesNotMatch", 400
        elif not re.fullmatch(r"1[3-9]\d{9}", form.get("PhoneNumbers", "")):
            code = "isv.MOBILE_NUMBER_ILLEGAL"
        elif set(json.loads(form.get("TemplateParam", "{}"))) != {"title", "content"}:
            code = "isv.TEMPLATE_MISSING_PARAMETERS"
        elif self.answers:
            code = self.answers.pop(0)
        self.nonces.add(form.get("SignatureNonce", ""))
        if code == "OK":
            self.accepted.append(form)
        else:
            self.refused.append(code)
        body = {
            "Code": code,
            "Message": "OK" if code == "OK" else f"fake {code}",
            "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
        }
        if code == "OK":
            body["BizId"] = f"{len(self.accepted)}^0"
        return status, body


def _sms_app(fake: AliyunSms) -> FastAPI:
    app = FastAPI()

    @app.post("/")
    async def send_sms(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        status, body = fake.answer(form, "POST")
        return Response(json.dumps(body), status_code=status, media_type="application/json")

    return app


@asynccontextmanager
async def aliyun_sms() -> AsyncIterator[AliyunSms]:
    port = free_port()
    fake = AliyunSms(f"http://127.0.0.1:{port}/")
    async with _serving(_sms_app(fake), port):
        yield fake


@asynccontextmanager
async def _serving(app: FastAPI, port: int) -> AsyncIterator[None]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await task
