from django.contrib import admin

from mutuals.imports.models import Import


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin[Import]):
    """Operators see that imports ran and how; the contact book itself stays private."""

    list_display = ("id", "owner", "file_name", "status", "progress", "created_at")
    list_filter = ("status",)
    readonly_fields = ("owner", "file_name", "file_size", "status", "progress", "counts", "error")
    exclude = ("audit",)
