# Imports: saved column mappings from other systems' files, the unchanged count and the invite
# option of the people import (issue 14 §1, §5).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_framework'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='invite_new',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='importjob',
            name='invited_count',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importjob',
            name='mapping_spec',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='importjob',
            name='unchanged_count',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name='ImportMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('name', models.CharField(max_length=120, unique=True, verbose_name='name')),
                ('kind', models.CharField(choices=[('departments', 'Departments'), ('competencies', 'Competencies and level descriptors'), ('job_profiles', 'Job profiles'), ('people', 'People'), ('ratings', 'Competency ratings'), ('outcomes', 'Outcome records')], max_length=20)),
                ('columns', models.JSONField(blank=True, default=dict)),
                ('source_columns', models.JSONField(blank=True, default=list)),
                ('samples', models.JSONField(blank=True, default=dict)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['name', 'id'],
            },
        ),
        migrations.AddField(
            model_name='importjob',
            name='mapping',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='jobs', to='people.importmapping'),
        ),
    ]
