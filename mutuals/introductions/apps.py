from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    name = "mutuals.introductions"
    label = "introductions"
    verbose_name = "introductions and the graph"

    def ready(self) -> None:
        # The services that change what the graph snapshot holds stand below this app, so
        # they announce the change and the graph listens.
        from mutuals.core import graph_changes
        from mutuals.introductions import hooks

        graph_changes.listen(hooks)
        # Members' pages and API (accounts, below this app) show degrees of separation.
        from mutuals.accounts.providers import proximity_register
        from mutuals.introductions.selectors import proximity_for

        proximity_register(proximity_for)
        # `mutuals worker` keeps the graph snapshot current (off the request path).
        from mutuals.core import worker_start
        from mutuals.introductions.builder import start_in_thread

        worker_start.register(start_in_thread)
        # /readyz reports the published snapshot's age.
        from mutuals.core import health
        from mutuals.introductions.graph import snapshot_readiness

        health.check_register("graph", snapshot_readiness)
        # `/metrics` reports how old the published snapshot is.
        from mutuals.core.metrics import gauge_register
        from mutuals.introductions.metrics import snapshot_age

        gauge_register(
            "mutuals_graph_snapshot_age_seconds",
            "Seconds since the graph builder last published a snapshot on this host.",
            snapshot_age,
        )
