"""The session: a dict kept in a signed cookie, as Flask's (``flask.sessions``).

The cookie is Flask's format (itsdangerous, tagged JSON, HMAC-SHA1, salt
``cookie-session``), so with the same ``SECRET_KEY`` a cookie written by a Flask
app is read here and the other way round. The ``SESSION_*`` config keys,
``PERMANENT_SESSION_LIFETIME`` (enforced when the cookie is read) and
``SECRET_KEY_FALLBACKS`` (old keys still accepted) mean what Flask says.

The session of a request is opened the first time the view (or a hook) uses
``session``; a request that never touches it pays nothing and sets no cookie.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, NoReturn

from werkzeug.datastructures import CallbackDict

from .json.tag import TaggedJSONSerializer

if TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer
    from werkzeug.wrappers import Response

    from .wrappers import Request

_MISSING_KEY = (
    "The session is unavailable because no secret key was set. Set app.secret_key"
    " (app.config['SECRET_KEY']) to a long random string, e.g."
    " secrets.token_hex()."
)


class SessionMixin(MutableMapping[str, Any]):
    """The attributes every session has, beyond being a dict."""

    #: Whether the session was just made (the cookie session cannot tell).
    new = False
    #: Whether the session changed; a changed session is saved.
    modified = True
    #: Whether the session was used in this request (adds ``Vary: Cookie``).
    accessed = False

    @property
    def permanent(self) -> bool:
        """A permanent session lasts ``PERMANENT_SESSION_LIFETIME``; otherwise it
        ends when the browser closes. Stored as the ``_permanent`` key."""
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)


class SecureCookieSession(CallbackDict[str, Any], SessionMixin):
    """The signed-cookie session: a dict that notes when it is changed."""

    modified = False

    def __init__(self, initial: Mapping[str, Any] | None = None) -> None:
        def on_update(session: SecureCookieSession) -> None:
            session.modified = True

        super().__init__(initial, on_update)


class NullSession(SecureCookieSession):
    """The session without a secret key: empty and readable; writing it raises."""

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError(_MISSING_KEY)

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail
    del _fail


class SessionInterface:
    """How sessions are opened and saved; set ``app.session_interface`` to an
    instance of a subclass to keep them elsewhere.

    Subclasses implement :meth:`open_session` and :meth:`save_session`.
    """

    null_session_class = NullSession
    pickle_based = False

    def make_null_session(self, app: Any) -> NullSession:
        """The session used when :meth:`open_session` returns ``None``."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Whether ``obj`` is a null session (never saved)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Any) -> str:
        """``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]

    def get_cookie_domain(self, app: Any) -> str | None:
        """``SESSION_COOKIE_DOMAIN``: without it the cookie goes to this host only."""
        return app.config["SESSION_COOKIE_DOMAIN"]

    def get_cookie_path(self, app: Any) -> str:
        """``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        config = app.config
        return config["SESSION_COOKIE_PATH"] or config["APPLICATION_ROOT"]

    def get_cookie_httponly(self, app: Any) -> bool:
        """``SESSION_COOKIE_HTTPONLY``."""
        return app.config["SESSION_COOKIE_HTTPONLY"]

    def get_cookie_secure(self, app: Any) -> bool:
        """``SESSION_COOKIE_SECURE``."""
        return app.config["SESSION_COOKIE_SECURE"]

    def get_cookie_samesite(self, app: Any) -> str | None:
        """``SESSION_COOKIE_SAMESITE`` (``"Lax"``, ``"Strict"`` or ``None``)."""
        return app.config["SESSION_COOKIE_SAMESITE"]

    def get_cookie_partitioned(self, app: Any) -> bool:
        """``SESSION_COOKIE_PARTITIONED``."""
        return app.config["SESSION_COOKIE_PARTITIONED"]

    def get_expiration_time(self, app: Any, session: SessionMixin) -> datetime | None:
        """When a permanent session's cookie expires; ``None`` for the others."""
        if session.permanent:
            return datetime.now(timezone.utc) + permanent_session_lifetime(app)
        return None

    def should_set_cookie(self, app: Any, session: SessionMixin) -> bool:
        """Set the cookie when the session changed, or on every response for a
        permanent session with ``SESSION_REFRESH_EACH_REQUEST``."""
        return session.modified or bool(
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def open_session(self, app: Any, request: Request) -> SessionMixin | None:
        """The request's session, or ``None`` to use a null session."""
        raise NotImplementedError

    def save_session(self, app: Any, session: SessionMixin, response: Response) -> None:
        """Store the session at the end of a request (not for null sessions)."""
        raise NotImplementedError


def permanent_session_lifetime(app: Any) -> timedelta:
    """``app.permanent_session_lifetime``, or no time at all when it is ``None``."""
    return app.permanent_session_lifetime or timedelta(0)


def _sha1(data: bytes = b"") -> Any:
    # Looked up at call time: FIPS builds may lack SHA-1 until someone uses it.
    return hashlib.sha1(data)


#: The tagged JSON serializer of session cookies (Flask's format).
session_json_serializer = TaggedJSONSerializer()


class SecureCookieSessionInterface(SessionInterface):
    """Sessions in a cookie signed with ``SECRET_KEY`` (itsdangerous)."""

    salt = "cookie-session"
    digest_method = staticmethod(_sha1)
    key_derivation = "hmac"
    serializer = session_json_serializer
    session_class = SecureCookieSession

    def get_signing_serializer(self, app: Any) -> URLSafeTimedSerializer | None:
        """The cookie's serializer, or ``None`` without a secret key. Keys in
        ``SECRET_KEY_FALLBACKS`` still verify; ``SECRET_KEY`` signs."""
        secret = app.config.get("SECRET_KEY")
        if not secret:
            return None
        from itsdangerous import URLSafeTimedSerializer

        keys = [*(app.config.get("SECRET_KEY_FALLBACKS") or ()), secret]
        return URLSafeTimedSerializer(
            keys,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def open_session(self, app: Any, request: Request) -> SecureCookieSession | None:
        """The session from the request's cookie; a new one if the cookie is
        missing, forged or older than ``PERMANENT_SESSION_LIFETIME``."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        from itsdangerous import BadSignature

        max_age = int(permanent_session_lifetime(app).total_seconds())
        try:
            return self.session_class(serializer.loads(cookie, max_age=max_age))
        except BadSignature:
            return self.session_class()

    def save_session(self, app: Any, session: SessionMixin, response: Response) -> None:
        """Set (or delete, when emptied) the cookie, and ``Vary: Cookie`` when the
        session was used."""
        name = self.get_cookie_name(app)
        attributes: dict[str, Any] = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "partitioned": self.get_cookie_partitioned(app),
            "samesite": self.get_cookie_samesite(app),
            "httponly": self.get_cookie_httponly(app),
        }
        if session.accessed:
            response.vary.add("Cookie")
        if not session:
            if session.modified:
                response.delete_cookie(name, **attributes)
                response.vary.add("Cookie")
            return
        if not self.should_set_cookie(app, session):
            return
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return
        response.set_cookie(
            name,
            serializer.dumps(dict(session)),
            expires=self.get_expiration_time(app, session),
            **attributes,
        )
        response.vary.add("Cookie")
