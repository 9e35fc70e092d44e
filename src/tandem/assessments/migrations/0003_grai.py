# GRAI reviews (issue 11 §4): its operations are written with its models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_survey_templates")]
    operations: list = []
