"""The 404 / 500 pages (a JSON envelope under /api/); the home page is the site's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.template import loader


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": "not_found", "message": "No such API endpoint.", "detail": {}}, status=404
        )
    return render(request, "404.html", status=404)


def server_error_view(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "message": "Something went wrong on our side.", "detail": {}},
            status=500,
        )
    # No context processors (the error may have come from them); the nonce lets the page's
    # own inline style through the Content-Security-Policy.
    context = {"csp_nonce": get_nonce(request)}
    return HttpResponse(loader.get_template("500.html").render(context), status=500)
