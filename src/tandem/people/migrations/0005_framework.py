# A rated competency cannot be deleted: the ratings are people's history (issue 14 §6).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_person_left_on'),
    ]

    operations = [
        migrations.AlterField(
            model_name='competencyrating',
            name='competency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='people.competency'),
        ),
    ]
