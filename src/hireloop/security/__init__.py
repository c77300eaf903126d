"""What guards every request at the edge, before and around the routes.

One module per concern:

- ``install``: puts the middleware in order on the app (CORS, the guard, trusted proxies)
  and documents the guard's answers in the OpenAPI schema.
- ``proxies``: the client's address and scheme, believed from trusted reverse proxies only.
- ``guard``: the request guard middleware: reads and size-limits each body, runs the body
  checks, and hands page routes an oversized body's refusal (``body_refusal``).
- ``body_checks``: which content types a route takes, and the text rules applied to query
  strings, JSON, URL-encoded forms and multipart text fields.
- ``refusals``: how the guard says no: the messages, the JSON body and the small HTML page.
- ``headers``: the security headers and Content-Security-Policy on every response.
- ``text``: the one rule for storable text (``SafeText``, ``reject_unsafe_text``), for what
  the guard does not read itself (uploaded files, their names, text extracted from them).

Passwords and session tokens are not here: they live in ``hireloop.auth.security``; rate
limits live in ``hireloop.ratelimit``.
"""

# Requests under this prefix are the JSON API; everything else is a page (or its assets).
API_PATH_PREFIX = "/api/"
