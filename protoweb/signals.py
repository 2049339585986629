"""Flask's signals, through blinker: connect a receiver to follow the app.

.. code-block:: python

    from protoweb.signals import template_rendered

    @template_rendered.connect_via(app)
    def log_render(sender, template, context, **extra):
        print("rendered", template.name)

The signals are sent at the same points and with the same arguments as Flask's.
blinker is imported only with this module, and the dispatch starts sending them
only when a receiver first connects to one, so an app that never listens (or only
imports this module) pays nothing per request.
"""

from __future__ import annotations

import sys

from blinker import Namespace

from . import context as _context

_signals = Namespace()

template_rendered = _signals.signal("template-rendered")
before_render_template = _signals.signal("before-render-template")
request_started = _signals.signal("request-started")
request_finished = _signals.signal("request-finished")
request_tearing_down = _signals.signal("request-tearing-down")
got_request_exception = _signals.signal("got-request-exception")
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
appcontext_pushed = _signals.signal("appcontext-pushed")
appcontext_popped = _signals.signal("appcontext-popped")
message_flashed = _signals.signal("message-flashed")



def _start_sending(signal: object, **_: object) -> None:
    """A receiver connected: from now on the dispatch sends every signal."""
    _context.signals = sys.modules[__name__]
    _context.enable_extras()


for _signal in _signals.values():
    _signal.receiver_connected.connect(_start_sending, weak=False)
