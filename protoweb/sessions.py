"""The session: a dict kept in a signed cookie, as Flask's default session is."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from .app import App
    from .wrappers import Request

_MISSING_KEY = (
    "The session is unavailable because no secret key was set. Set"
    " app.config['SECRET_KEY'] (or app.secret_key) to a long random string,"
    " e.g. secrets.token_hex()."
)


class Session(CallbackDict[str, Any]):
    """A dict that remembers whether it was changed."""

    def __init__(self, initial: dict[str, Any] | None = None) -> None:
        def on_update(session: Session) -> None:
            session.modified = True

        super().__init__(initial, on_update)
        self.modified = False


class NullSession(Session):
    """The session when no secret key is set: readable (empty), never writable."""

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(_MISSING_KEY)

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail


class CookieSessionInterface:
    """Loads and saves :class:`Session` objects from a signed cookie."""

    salt = "cookie-session"

    def serializer(self, app: App) -> URLSafeTimedSerializer | None:
        secret = app.config.get("SECRET_KEY")
        if not secret:
            return None
        return URLSafeTimedSerializer(
            secret, salt=self.salt, signer_kwargs={"digest_method": hashlib.sha1}
        )

    def open(self, app: App, request: Request) -> Session:
        serializer = self.serializer(app)
        if serializer is None:
            return NullSession()
        cookie = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not cookie:
            return Session()
        try:
            return Session(serializer.loads(cookie))
        except BadSignature:
            return Session()

    def save(self, app: App, session: Session, response: Response) -> None:
        if isinstance(session, NullSession) or not session.modified:
            return
        config = app.config
        name = config["SESSION_COOKIE_NAME"]
        path = (
            config.get("SESSION_COOKIE_PATH") or config.get("APPLICATION_ROOT") or "/"
        )
        if not session:
            response.delete_cookie(name, path=path)
            return
        serializer = self.serializer(app)
        if serializer is None:
            return
        response.set_cookie(
            name,
            serializer.dumps(dict(session)),
            path=path,
            httponly=config["SESSION_COOKIE_HTTPONLY"],
            secure=config["SESSION_COOKIE_SECURE"],
            samesite=config["SESSION_COOKIE_SAMESITE"],
        )
