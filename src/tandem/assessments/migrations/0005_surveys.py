# Survey sending, reminders and template editing (issue 11 §2): its operations are written with its models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_reviews")]
    operations: list = []
