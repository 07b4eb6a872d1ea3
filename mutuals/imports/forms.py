from __future__ import annotations

from django import forms


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label="Your LinkedIn export",
        help_text="The ZIP from LinkedIn (“Get a copy of your data”), or one of its CSV files.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.csv"}),
    )
