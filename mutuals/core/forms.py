"""How a page shows a service's refusal: on the form that was sent, or as a message after a
button. `NotFound` and `NotAllowed` that a view lets go become the 404 and 403 pages
(`core.error_pages`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from mutuals.core.errors import MutualsError, NotFound, Refused


def refusal_to_form(
    form: forms.Form,
    error: MutualsError,
    *,
    field_names: Mapping[str, str] | None = None,
    field_for_code: Mapping[str, str] | None = None,
    message: bool = True,
) -> None:
    """Show `error` on `form`. A refusal naming fields (`detail.fields`) puts each problem
    on that field, called by the form as `field_names` says where the service's name
    differs (on the form as a whole when the form has no such field). Any other error puts
    its message on the field `field_for_code` gives for its code, else on the whole form;
    `message=False` leaves it off the form, for a page that shows the refusal itself."""
    fields = error.detail.get("fields", {}) if isinstance(error, Refused) else {}
    for field, problems in fields.items():
        name = (field_names or {}).get(field, field)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not fields and message:
        form.add_error((field_for_code or {}).get(error.code), error.message)


@contextmanager
def refusal_to_message(request: HttpRequest) -> Iterator[None]:
    """Run a button's service call; a refusal becomes an error message on the next page and
    the rest of the block (its success message) is skipped. `NotFound` goes on to the 404
    page."""
    try:
        yield
    except NotFound:
        raise
    except MutualsError as error:
        messages.error(request, error.message)
