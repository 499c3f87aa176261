"""Hand-made programme objects for the tests (named as such: never shown as the centre's)."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from quartiers.web.programme.models import Action, Axis, Pole, Programme, Public, Theme


class VocabularyFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Entrée de test {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ThemeFactory(VocabularyFactory):
    class Meta:
        model = Theme

    keywords = "mot de test"


class PublicFactory(VocabularyFactory):
    class Meta:
        model = Public


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"Programme de test {o.year}")


class PoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pole

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Pôle de test {n}")


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    pole = factory.SubFactory(PoleFactory)
    name = factory.Sequence(lambda n: f"Axe de test {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    axis = factory.SubFactory(AxisFactory)
    title = factory.Sequence(lambda n: f"Action de test {n}")

    @factory.post_generation
    def themes(self, create, themes):
        if create and themes:
            self.themes.set(themes)
            self.save()

    @factory.post_generation
    def publics(self, create, publics):
        if create and publics:
            self.publics.set(publics)
            self.save()
