from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "quartiers.web.library"
    verbose_name = "Centre de ressources documentaires"

    def ready(self):
        from django.db.models.signals import post_save

        from .models import ResourceDocument
        from .tasks import extract_when_the_file_changes

        post_save.connect(extract_when_the_file_changes, sender=ResourceDocument,
                          dispatch_uid="library-extract-document-text")
