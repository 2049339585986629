"""Class-based views (Flask's ``flask.views``): :class:`View` and :class:`MethodView`.

.. code-block:: python

    class Counter(MethodView):
        decorators = [login_required]

        def get(self):
            return str(COUNT)

        async def post(self):  # async methods are awaited, as in Flask
            ...

    app.add_url_rule("/count", view_func=Counter.as_view("count"))
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, ClassVar

from .context import current_app, request

#: The methods a :class:`MethodView` answers when it defines them.
http_method_funcs = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


def _sync(function: Callable[..., Any]) -> Callable[..., Any]:
    """``current_app.ensure_sync(function)``: an async method made callable."""
    return current_app.ensure_sync(function)


class View:
    """A view as a class: subclass it, implement :meth:`dispatch_request`, and
    register ``YourView.as_view("endpoint")``.

    By default an instance is made for every request (:attr:`init_every_request`),
    so ``self`` can hold per-request state.
    """

    #: The methods the view answers (``GET`` when ``None``).
    methods: ClassVar[Collection[str] | None] = None
    #: Answer ``OPTIONS`` automatically (``None``: as the app's config says).
    provide_automatic_options: ClassVar[bool | None] = None
    #: Decorators applied, in order, to the function :meth:`as_view` returns.
    decorators: ClassVar[list[Callable[..., Any]]] = []
    #: Make a new instance per request; ``False`` shares one instance (faster,
    #: but ``self`` must then hold nothing request-specific).
    init_every_request: ClassVar[bool] = True

    def dispatch_request(self, **kwargs: Any) -> Any:
        """Answer the request; ``kwargs`` are the URL's variables."""
        raise NotImplementedError

    @classmethod
    def as_view(
        cls, name: str, *class_args: Any, **class_kwargs: Any
    ) -> Callable[..., Any]:
        """A view function for ``add_url_rule``; ``class_args`` and ``class_kwargs``
        go to the class's constructor.

        :param name: the endpoint name (and the function's ``__name__``).
        """
        if cls.init_every_request:

            def view(**kwargs: Any) -> Any:
                instance = view.view_class(  # type: ignore[attr-defined]
                    *class_args, **class_kwargs
                )
                return _sync(instance.dispatch_request)(**kwargs)

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: Any) -> Any:
                return _sync(shared.dispatch_request)(**kwargs)

        if cls.decorators:
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)
        function: Any = view
        function.view_class = cls
        function.__name__ = name
        function.__doc__ = cls.__doc__
        function.__module__ = cls.__module__
        function.methods = cls.methods
        function.provide_automatic_options = cls.provide_automatic_options
        return view


class MethodView(View):
    """A view that answers each HTTP method with the method of the same name
    (``get``, ``post``, ...); ``HEAD`` falls back to ``get``.

    :attr:`methods` is filled in from the methods the class defines.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        methods: set[str] = set()
        for base in cls.__bases__:
            methods.update(getattr(base, "methods", None) or ())
        methods.update(key.upper() for key in http_method_funcs if hasattr(cls, key))
        if methods:
            cls.methods = methods

    def dispatch_request(self, **kwargs: Any) -> Any:
        method = getattr(self, request.method.lower(), None)
        if method is None and request.method == "HEAD":
            method = getattr(self, "get", None)
        if method is None:
            raise NotImplementedError(
                f"{type(self).__name__} has no method for {request.method!r}"
            )
        return _sync(method)(**kwargs)
