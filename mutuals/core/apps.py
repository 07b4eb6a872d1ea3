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
        # /metrics reports the read replicas as this server sees them.
        from mutuals.core import replicas
        from mutuals.core.metrics import gauge_register

        gauge_register(
            "mutuals_replica_up",
            "1 while this server reads from the replica (answering, within the lag bound).",
            replicas.replica_metrics,
            labels=("replica",),
        )
        gauge_register(
            "mutuals_replica_lag_seconds",
            "The replica's replay lag behind the primary, as this server measured it.",
            replicas.replica_lag_metrics,
            labels=("replica",),
        )
