# A rated competency cannot be deleted: the ratings are people's history; competencies can be
# imported (issue 14 §6).

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
        migrations.AlterField(
            model_name='importjob',
            name='kind',
            field=models.CharField(choices=[('departments', 'Departments'), ('competencies', 'Competencies and level descriptors'), ('job_profiles', 'Job profiles'), ('people', 'People'), ('ratings', 'Competency ratings'), ('outcomes', 'Outcome records')], max_length=20),
        ),
    ]
