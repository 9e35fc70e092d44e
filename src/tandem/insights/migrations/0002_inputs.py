# Inputs versus outputs (issue 12 §1): its operations are written with its models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_outcomes")]
    operations: list = []
