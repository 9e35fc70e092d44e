"""Form fields shared by every app's forms."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    """A model choice field's options read with one plain query. Django's iterator reads them through a
    server-side cursor (on PostgreSQL DECLARE, FETCH, CLOSE: three round trips and a transaction for a
    list of a few hundred rows at most, the size of every list Tandem puts in a <select>)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator
