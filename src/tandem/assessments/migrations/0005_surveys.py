# Survey sending, reminders and template editing (issue 11 §2): schedules (a program's milestone or
# a pair's Nth held session) and the link from a sent survey to its schedule (sent once).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_reviews"),
        ("people", "0005_framework"),
        ("programs", "0003_timeline_cadence_eligibility"),
    ]

    operations = [
        migrations.CreateModel(
            name='SurveySchedule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('after_sessions', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='after the held session number')),
                ('open_days', models.PositiveSmallIntegerField(default=14, verbose_name='open for (days)')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.person')),
                ('milestone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='survey_schedules', to='programs.programmilestone')),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_schedules', to='programs.program')),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='assessments.surveytemplate')),
            ],
            options={
                'verbose_name': 'survey schedule',
                'verbose_name_plural': 'survey schedules',
                'ordering': ['program', 'id'],
            },
        ),
        migrations.AddField(
            model_name='survey',
            name='schedule',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='surveys', to='assessments.surveyschedule'),
        ),
        migrations.AddConstraint(
            model_name='survey',
            constraint=models.UniqueConstraint(condition=models.Q(('mentorship__isnull', True), ('schedule__isnull', False)), fields=('schedule',), name='scheduled_survey_sent_once'),
        ),
        migrations.AddConstraint(
            model_name='survey',
            constraint=models.UniqueConstraint(condition=models.Q(('mentorship__isnull', False), ('schedule__isnull', False)), fields=('schedule', 'mentorship'), name='scheduled_survey_sent_once_per_pair'),
        ),
        migrations.AddConstraint(
            model_name='surveyschedule',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('after_sessions__gte', 1), ('milestone__isnull', True)), models.Q(('after_sessions__isnull', True), ('milestone__isnull', False)), _connector='OR'), name='survey_schedule_milestone_or_sessions'),
        ),
        migrations.AddConstraint(
            model_name='surveyschedule',
            constraint=models.CheckConstraint(condition=models.Q(('open_days__gte', 1), ('open_days__lte', 90)), name='survey_schedule_open_1_90'),
        ),
        migrations.AddConstraint(
            model_name='surveyschedule',
            constraint=models.UniqueConstraint(fields=('template', 'milestone'), name='one_survey_schedule_per_milestone'),
        ),
        migrations.AddConstraint(
            model_name='surveyschedule',
            constraint=models.UniqueConstraint(fields=('program', 'template', 'after_sessions'), name='one_survey_schedule_per_session_count'),
        ),
    ]
