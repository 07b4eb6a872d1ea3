from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "mutuals.site"
    label = "site"
    verbose_name = "Site (home, demo, sweep)"

    def ready(self) -> None:
        # Rights and moderation stand side by side, independent: the site, above both, puts
        # the reports a member made into their data export, and blanks their notes when the
        # member's account is erased.
        from mutuals.moderation.selectors import reports_made_for_export
        from mutuals.moderation.services import reports_erase_notes
        from mutuals.rights.erasure import erasure_step_register
        from mutuals.rights.export import export_section_register

        export_section_register("reports_made", reports_made_for_export)
        erasure_step_register("reports_made", reports_erase_notes)
