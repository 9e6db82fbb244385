from django.db import migrations


def refresh_search_text(apps, schema_editor):
    """Websites and social-media accounts join the search text (``names.search_text``): refresh it for every actor
    that has any. The index triggers follow the update of ``search_text``."""
    from fairrecruit.registry.names import search_text

    Actor = apps.get_model("registry", "Actor")
    Alias = apps.get_model("registry", "Alias")
    Licence = apps.get_model("registry", "Licence")
    last = 0
    while True:
        batch = list(
            Actor.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "name", "phones", "websites", "social_handles", "search_text")[:2000]
        )
        if not batch:
            return
        last = batch[-1].pk
        online = [a for a in batch if a.websites or a.social_handles]
        ids = [a.pk for a in online]
        aliases, numbers = {}, {}
        for actor_id, name in Alias.objects.filter(actor_id__in=ids).order_by("id").values_list("actor_id", "name"):
            aliases.setdefault(actor_id, []).append(name)
        for actor_id, std in Licence.objects.filter(actor_id__in=ids).order_by("id").values_list("actor_id", "number_std"):
            numbers.setdefault(actor_id, []).append(std)
        changed = []
        for a in online:
            text = search_text([a.name, *aliases.get(a.pk, [])], a.phones or [], numbers.get(a.pk, []),
                               [*(a.websites or []), *(a.social_handles or [])])
            if text != a.search_text:
                a.search_text = text
                changed.append(a)
        Actor.objects.bulk_update(changed, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_reported_actor_key")]

    operations = [migrations.RunPython(refresh_search_text, migrations.RunPython.noop, elidable=True)]
