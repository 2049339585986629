"""Live-server tests: real sockets, raw HTTP, a real browser."""
