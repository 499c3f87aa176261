"""Links stored before only http(s) links were kept: any other (``javascript:``…) is blanked,
the item then shown without a link."""

from django.db import migrations


def blank_unsafe_links(apps, schema_editor):
    PressItem = apps.get_model("presswatch", "PressItem")
    FeedSource = apps.get_model("presswatch", "FeedSource")
    for model, field in ((PressItem, "link"), (FeedSource, "site_url")):
        (model.objects.exclude(**{field: ""})
         .exclude(**{f"{field}__istartswith": "http://"})
         .exclude(**{f"{field}__istartswith": "https://"})
         .update(**{field: ""}))


class Migration(migrations.Migration):
    dependencies = [("presswatch", "0001_initial")]

    operations = [migrations.RunPython(blank_unsafe_links, migrations.RunPython.noop)]
