from django.apps import AppConfig
from django.core.checks import Tags, register

from mutuals.core.checks import secret_key_shared_check


class CoreConfig(AppConfig):
    name = "mutuals.core"
    label = "core"
    verbose_name = "mutuals core"

    def ready(self) -> None:
        register(secret_key_shared_check, Tags.security, deploy=True)
        # Log lines carry the request id until the answer is sent.
        from django.core.signals import request_finished

        from mutuals.core import logs

        request_finished.connect(logs.request_finished, dispatch_uid="mutuals.core.logs")
        # A worker's log lines for a task carry the id of the request that queued it.
        from django.tasks.signals import task_finished, task_started

        from mutuals.core.tasks import task_bind, task_unbind

        task_started.connect(task_bind, dispatch_uid="mutuals.core.tasks.task_bind")
        task_finished.connect(task_unbind, dispatch_uid="mutuals.core.tasks.task_unbind")
