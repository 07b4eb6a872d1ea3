"""URL map: the health checks, the web UI, the accounts flows (allauth), the JSON API under
/api/, the admin."""

from django.contrib import admin
from django.urls import include, path

from mutuals.api.api import api
from mutuals.core.health import healthz_view, readyz_view
from mutuals.core.metrics import metrics_view

urlpatterns = [
    # For load balancers and orchestrators (docs/operations.md, "Health checks").
    path("healthz", healthz_view, name="healthz"),
    path("readyz", readyz_view, name="readyz"),
    # For Prometheus, with a bearer token (docs/operations.md, "Metrics").
    path("metrics", metrics_view, name="metrics"),
    # The API before the pages: Django tries patterns in order, and an API request would
    # otherwise be matched against every page's pattern first (about 150 of them, a tenth of
    # `GET /api/me`'s CPU). No page's pattern starts with "api/" (test_urls.py checks).
    # allauth's headless account flows (sign-up, e-mail, passwords) before the API's own paths.
    path("api/auth/", include("allauth.headless.urls")),
    path("api/", api.urls),
    path("", include("mutuals.site.urls")),
    path("", include("mutuals.accounts.urls")),
    path("", include("mutuals.connections.urls")),
    path("", include("mutuals.engagement.urls")),
    path("", include("mutuals.insights.urls")),
    path("", include("mutuals.introductions.urls")),
    path("", include("mutuals.imports.urls")),
    path("", include("mutuals.messaging.urls")),
    path("", include("mutuals.events.urls")),
    path("", include("mutuals.feed.urls")),
    path("", include("mutuals.mentorship.urls")),
    path("", include("mutuals.rights.urls")),
    path("", include("mutuals.moderation.urls")),
    path("", include("mutuals.search.urls")),
    path("", include("mutuals.site.page_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "mutuals.core.views.not_found_view"
handler500 = "mutuals.core.views.server_error_view"
