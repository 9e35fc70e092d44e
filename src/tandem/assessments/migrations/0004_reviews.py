# Competency reviews (issue 11 §1): its operations are written with its models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_grai")]
    operations: list = []
