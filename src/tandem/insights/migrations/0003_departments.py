# Department support reports (issue 12 §4): its operations are written with its models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_inputs")]
    operations: list = []
