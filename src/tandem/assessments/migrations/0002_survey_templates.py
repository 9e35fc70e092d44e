"""The survey templates Tandem ships (participant satisfaction, mentor effectiveness, program NPS,
source 001's before/after self-perception), in English, Chinese and Russian."""

from django.db import migrations


def install(apps, schema_editor):
    from tandem.assessments.survey_catalogue import install as do_install

    do_install(apps.get_model("assessments", "SurveyTemplate"), apps.get_model("assessments", "SurveyTemplateVersion"),
               apps.get_model("assessments", "SurveyQuestion"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
