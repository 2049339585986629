"""Dev tools for the live server: request log, error capture, live reload.

They wrap the app as WSGI middleware on the live server only; an export never
includes them.
"""
