"""The server-rendered web app (SPEC §7): Jinja2 pages over the same services as the API.

Layout:
- ``pages/<area>.py``: one ``APIRouter(route_class=PageRoute)`` per area; register it in
  ``pages/__init__.py`` (``PAGE_ROUTERS``) and, if it belongs in the menu, in
  ``navigation.py`` (``NAV_ITEMS``).
- ``templates/<area>/...html``: pages extend ``base.html``; ``macros.html`` has form fields.
- ``session.py``: the cookie session (the API's JWT in an HttpOnly cookie), CSRF, and the
  ``PageUser`` / ``PageRecruiter`` dependencies.
- ``rendering.py``: ``render()``, redirects, and ``PageRoute`` which turns domain errors
  into HTML error pages (and "log in first" into a redirect).
"""
